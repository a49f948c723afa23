//! The HTTP API of connection logs: shapes, the upsert of agent sessions, every `q` key and
//! its error text, pagination, counts, permissions, the export and the fixture's errors.

use super::*;

/// An agent session opened and closed, and a tunnel event: Coder's JSON for each.
#[test]
fn sessions_upsert_and_shapes() {
    let w = World::new();
    let out = record(
        &w.owner,
        vec![
            session(&w.ws_alice, "vscode", 1, "connected", 10),
            web(&w.ws_alice, "tunnel", "alice", 101, 20),
        ],
    );
    assert_eq!(out["count"], 2);
    // The disconnect arrives later and closes the same row.
    let mut close = session(&w.ws_alice, "vscode", 1, "disconnected", 90);
    close["disconnect_reason"] = json!("client disconnected");
    close["code"] = json!(0);
    let closed = w.owner.post(PATH, close).expect(201).body;
    assert_eq!(
        closed["ssh_info"]["disconnect_reason"],
        "client disconnected"
    );
    assert_eq!(w.rows("connection_logs"), 2);

    let page = w.list("");
    assert_eq!(page["count"], 2);
    assert_eq!(page["count_cap"], 0);
    let logs = page["connection_logs"].as_array().expect("logs");
    let tunnel = &logs[0];
    assert_eq!(tunnel["type"], "tunnel");
    assert_eq!(tunnel["connect_time"], at(20));
    assert_eq!(tunnel["workspace_owner_username"], "alice");
    assert_eq!(tunnel["workspace_name"], "dev");
    assert_eq!(tunnel["agent_name"], "main");
    assert_eq!(tunnel["ip"], "203.0.113.7");
    assert_eq!(tunnel["organization"]["name"], "coder");
    assert_eq!(tunnel["web_info"]["status_code"], 101);
    assert_eq!(tunnel["web_info"]["slug_or_port"], "");
    assert_eq!(tunnel["web_info"]["user_agent"], "coder-cli/2.31.0");
    assert_eq!(tunnel["web_info"]["user"]["username"], "alice");
    assert_eq!(tunnel["web_info"]["user"]["has_ai_seat"], false);
    assert!(tunnel.get("ssh_info").is_none());
    let ide = &logs[1];
    assert_eq!(ide["type"], "vscode");
    assert_eq!(ide["connect_time"], at(10));
    assert!(ide.get("web_info").is_none());
    assert_eq!(ide["ssh_info"]["connection_id"], uid(1));
    assert_eq!(ide["ssh_info"]["disconnect_time"], at(90));
    assert_eq!(ide["ssh_info"]["exit_code"], 0);
    assert_eq!(ide["ip"], "fd7a:115c:a1e0::1");
}

/// Every `q` key filters as Coder's SQL does.
#[test]
fn each_q_key_filters() {
    let w = World::new();
    let bob_client = {
        let t = new_token(&w.owner, "bob", "t");
        w.s.client().with_token(&t)
    };
    let out = record(
        &w.owner,
        vec![
            session(&w.ws_alice, "ssh", 1, "connected", 10),
            session(&w.ws_alice, "jetbrains", 2, "connected", 20),
            session(&w.ws_bob, "reconnecting_pty", 3, "connected", 30),
            web(&w.ws_bob, "workspace_app", "alice", 200, 40),
            web(&w.ws_alice, "port_forwarding", "bob", 502, 50),
            web(&w.ws_bob, "tunnel", "bob", 403, 4000),
        ],
    );
    assert_eq!(out["count"], 6);
    record(
        &w.owner,
        vec![session(&w.ws_alice, "ssh", 1, "disconnected", 60)],
    );
    let id_of = |secs: i64| -> String {
        let page = w.list("");
        page["connection_logs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["connect_time"] == at(secs))
            .map(|r| r["id"].as_str().unwrap().to_string())
            .expect("row")
    };
    let times = |q: &str| -> Vec<String> {
        let page = w.list(&format!("q={}", url_encode(q)));
        let rows = page["connection_logs"].as_array().unwrap().clone();
        assert_eq!(page["count"], rows.len(), "count of {q}");
        rows.iter()
            .map(|r| r["connect_time"].as_str().unwrap().to_string())
            .collect()
    };
    let t = |secs: &[i64]| -> Vec<String> { secs.iter().map(|s| at(*s)).collect() };
    assert_eq!(times(""), t(&[4000, 50, 40, 30, 20, 10]));
    assert_eq!(times("workspace_owner:alice"), t(&[50, 20, 10]));
    assert_eq!(times("workspace_owner:ALICE"), t(&[50, 20, 10]));
    assert_eq!(
        times("workspace_owner_email:bob@example.com"),
        t(&[4000, 40, 30])
    );
    assert_eq!(times("type:ssh"), t(&[10]));
    assert_eq!(times("type:tunnel"), t(&[4000]));
    assert_eq!(times("username:bob"), t(&[4000, 50]));
    assert_eq!(times("user_email:alice@example.com"), t(&[40]));
    assert_eq!(times("username:nobody"), t(&[]));
    assert_eq!(
        times(&format!("connected_after:\"{}\"", at(20))),
        t(&[4000, 50, 40, 30, 20])
    );
    assert_eq!(
        times(&format!("connected_before:\"{}\"", at(20))),
        t(&[20, 10])
    );
    assert_eq!(
        times(&format!(
            "connected_after:\"{}\" connected_before:\"{}\"",
            at(11),
            at(49)
        )),
        t(&[40, 30, 20])
    );
    assert_eq!(
        times(&format!("workspace_id:{}", w.ws_bob)),
        t(&[4000, 40, 30])
    );
    assert_eq!(times(&format!("connection_id:{}", uid(2))), t(&[20]));
    // Web rows are neither ongoing nor completed.
    assert_eq!(times("status:ongoing"), t(&[30, 20]));
    assert_eq!(times("status:completed"), t(&[10]));
    assert_eq!(times("organization:coder"), t(&[4000, 50, 40, 30, 20, 10]));
    assert_eq!(
        times("organization:coder type:jetbrains status:ongoing"),
        t(&[20])
    );
    // `me` is the caller.
    let mine = bob_client
        .get(&format!("{PATH}?q={}", url_encode("username:me")))
        .expect(200)
        .body;
    // bob is a member: no connection_log grant, so an empty page (as Coder answers).
    assert_eq!(mine["count"], 0);
    assert_eq!(mine["connection_logs"], json!([]));
    let _ = (&w.alice, &w.bob, id_of(10));
    let as_owner_me = w.list(&format!("q={}", url_encode("workspace_owner:me")));
    assert_eq!(ids(&as_owner_me), Vec::<String>::new());
}

//! `coderlite import` of `connection_logs.csv`: rows served with their types, times and
//! infos, counts exact; bad rows named by line.

use super::*;
use std::path::Path;

const ORG: &str = "0665a54f-0b77-4a58-94aa-59646fa38a74";
const ALICE: &str = "6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa";
const BOB: &str = "b25103d6-902f-40d0-a9ad-e42700570719";
const WS: &str = "3c0b37c8-e58c-4980-b9a1-2732410480a5";
const CONN1: &str = "7a6fafdc-e3d0-43cb-a1b7-1f19802d7908";
const CONN2: &str = "8b7fafdc-e3d0-43cb-a1b7-1f19802d7909";

const CONN_HEADER: &str = "id,connect_time,organization_id,workspace_owner_id,workspace_id,workspace_name,agent_name,type,code,ip,user_agent,user_id,slug_or_port,connection_id,disconnect_reason,disconnect_time,extra\n";

/// A Coder dump: one organization, two users, alice's workspace and `connections` as the
/// rows of `connection_logs.csv`.
fn conn_dump(dir: &Path, connections: &str) {
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("csv");
    write(
        "organizations.csv",
        format!("id,name,display_name,is_default,created_at\n{ORG},coder,Coder,t,2023-07-12 00:00:00+00\n"),
    );
    write(
        "users.csv",
        format!(
            "id,email,username,name,status,rbac_roles,login_type,created_at,updated_at,last_seen_at\n\
             {ALICE},alice@example.com,alice,Alice A.,active,{{}},oidc,2025-01-10 10:00:00+00,2025-05-30 12:00:00+00,2025-06-16 08:15:00+00\n\
             {BOB},bob@example.com,bob,,active,{{}},password,2025-01-11 10:00:00+00,\\N,\\N\n"
        ),
    );
    write(
        "workspaces.csv",
        format!("id,owner_id,organization_id,name,deleted,created_at\n{WS},{ALICE},{ORG},dev,f,2025-02-01 00:00:00+00\n"),
    );
    write("connection_logs.csv", format!("{CONN_HEADER}{connections}"));
}

fn conn_rows() -> String {
    format!(
        "b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33,2025-06-16 08:15:04.123456+00,{ORG},{ALICE},{WS},dev,main,ssh,0,fd7a:115c:a1e0::1/128,\\N,\\N,\\N,{CONN1},client disconnected,2025-06-16 09:40:00+00,x\n\
         1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-16 10:15:05+02,{ORG},{ALICE},{WS},dev,main,vscode,\\N,fd7a:115c:a1e0::2,\\N,\\N,\\N,{CONN2},\\N,\\N,x\n\
         2e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-16 08:15:06+00,{ORG},{ALICE},{WS},dev,main,workspace_app,200,203.0.113.7/32,Mozilla/5.0,{BOB},code-server,\\N,\\N,\\N,x\n\
         3e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-16 08:15:07+00,{ORG},{ALICE},{WS},dev,main,tunnel,101,203.0.113.8,coder-cli/2.31.0,{ALICE},,\\N,\\N,\\N,x\n\
         4e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-15 23:59:59.999999+00,{ORG},{ALICE},{WS},dev,main,port_forwarding,502,\\N,\\N,\\N,8080,\\N,\\N,\\N,x\n"
    )
}

fn import_dump(dir: &Path, db: &Path) -> Result<(), String> {
    coderlite::import::run(&coderlite::import::ImportArgs {
        dir: dir.to_path_buf(),
        db: db.to_path_buf(),
        force: false,
    })
}

#[test]
fn import_loads_connection_logs_with_exact_counts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    conn_dump(tmp.path(), &conn_rows());
    let db = tmp.path().join("imported.db");
    import_dump(tmp.path(), &db).expect("import");
    {
        let c = rusqlite::Connection::open(&db).expect("open");
        assert_eq!(
            one(&Tx::sqlite(&c), "SELECT count(*) FROM connection_logs"),
            5
        );
        assert_counters_exact(&Tx::sqlite(&c));
        // The counting trigger and the upsert index are back after the load.
        assert_eq!(
            one(
                &Tx::sqlite(&c),
                "SELECT count(*) FROM sqlite_master WHERE name IN \
                 ('connection_logs_counts_insert', 'connection_logs_connection_id', 'connection_logs_time')"
            ),
            3
        );
    }
    coderlite::cli::create_admin_user(&db, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let s = TestServer::start_with(|cfg| cfg.db = db.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    let get = |q: &str| owner.get(&format!("{PATH}{q}")).expect(200).body;
    let page = get("");
    assert_eq!(page["count"], 5);
    let rows = page["connection_logs"].as_array().expect("rows").clone();
    let types: Vec<&str> = rows.iter().filter_map(|r| r["type"].as_str()).collect();
    // connect_time DESC (the vscode row connected at 08:15:05Z, written with +02).
    assert_eq!(
        types,
        [
            "tunnel",
            "workspace_app",
            "vscode",
            "ssh",
            "port_forwarding"
        ]
    );
    let by = |t: &str| rows.iter().find(|r| r["type"] == t).expect(t).clone();
    let ssh = by("ssh");
    assert_eq!(ssh["connect_time"], "2025-06-16T08:15:04.123456Z");
    assert_eq!(ssh["ip"], "fd7a:115c:a1e0::1");
    assert_eq!(ssh["workspace_owner_username"], "alice");
    assert_eq!(ssh["workspace_name"], "dev");
    assert_eq!(ssh["organization"]["name"], "coder");
    assert_eq!(
        ssh["ssh_info"],
        json!({"connection_id": CONN1, "disconnect_time": "2025-06-16T09:40:00Z",
               "disconnect_reason": "client disconnected", "exit_code": 0})
    );
    assert!(ssh.get("web_info").is_none());
    let vscode = by("vscode");
    assert_eq!(vscode["connect_time"], "2025-06-16T08:15:05Z");
    assert_eq!(vscode["ssh_info"], json!({"connection_id": CONN2}));
    let app = by("workspace_app");
    assert!(app.get("ssh_info").is_none());
    assert_eq!(app["ip"], "203.0.113.7");
    assert_eq!(app["web_info"]["user"]["username"], "bob");
    assert_eq!(app["web_info"]["user_agent"], "Mozilla/5.0");
    assert_eq!(app["web_info"]["slug_or_port"], "code-server");
    assert_eq!(app["web_info"]["status_code"], 200);
    let tunnel = by("tunnel");
    assert_eq!(tunnel["web_info"]["status_code"], 101);
    assert_eq!(tunnel["web_info"]["slug_or_port"], "");
    assert_eq!(tunnel["web_info"]["user"]["name"], "Alice A.");
    let port = by("port_forwarding");
    assert_eq!(port["connect_time"], "2025-06-15T23:59:59.999999Z");
    assert!(port.get("ip").is_none());
    assert_eq!(
        port["web_info"],
        json!({"user_agent": "", "user": null, "slug_or_port": "8080", "status_code": 502})
    );
    // The counts behind the filters come from the loaded counters (and the day edges).
    let ws_tunnel = format!("workspace_id:{WS} type:tunnel");
    for (q, n) in [
        ("type:ssh", 1),
        ("status:ongoing", 1),
        ("status:completed", 1),
        ("username:bob", 1),
        ("workspace_owner:alice", 5),
        ("workspace_owner:alice type:vscode status:ongoing", 1),
        (
            "workspace_owner_email:alice@example.com status:completed",
            1,
        ),
        (ws_tunnel.as_str(), 1),
        ("username:alice", 1),
        ("username:nobody", 0),
        ("connected_after:\"2025-06-16T00:00:00Z\"", 4),
        (
            "connected_before:\"2025-06-16T08:15:05Z\" organization:coder",
            3,
        ),
    ] {
        assert_eq!(get(&format!("?q={}", url_encode(q)))["count"], n, "{q}");
    }
}

#[test]
fn import_rejects_bad_connection_rows_by_line() {
    let ws_row = |id: &str, kind: &str, conn: &str| {
        format!("{id},2025-06-16 08:15:04+00,{ORG},{ALICE},{WS},dev,main,{kind},\\N,\\N,\\N,\\N,\\N,{conn},\\N,\\N,x\n")
    };
    for (rows, want) in [
        (
            ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "telnet", CONN1),
            "connection_logs.csv line 2: type: \"telnet\" is not a connection type",
        ),
        (
            format!(
                "{}{}",
                ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN1),
                ws_row("c3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN1)
            ),
            "connection_logs.csv line 3: UNIQUE constraint failed",
        ),
        (
            format!(
                "{}{}",
                ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN1),
                ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN2)
            ),
            "connection_logs.csv line 3: UNIQUE constraint failed: connection_logs.id",
        ),
        (
            ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", "not-a-uuid"),
            "connection_logs.csv line 2: column \"connection_id\"",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        conn_dump(tmp.path(), &rows);
        let db = tmp.path().join("imported.db");
        let err = import_dump(tmp.path(), &db).expect_err("bad row");
        assert!(err.contains(want), "{err}\nwanted {want}");
        assert!(!db.exists());
        assert!(!tmp.path().join("imported.db.tmp").exists());
    }
}

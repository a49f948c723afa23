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

/// The 400 of a bad query: `(message, [(field, detail)])`.
fn bad(c: &Client, query: &str) -> (String, Vec<(String, String)>) {
    let r = c.get(&format!("{PATH}?{query}")).expect(400);
    let fields = r.body["validations"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|v| {
            (
                v["field"].as_str().unwrap_or("").to_string(),
                v["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (r.body["message"].as_str().unwrap_or("").to_string(), fields)
}

fn one(field: &str, detail: &str) -> Vec<(String, String)> {
    vec![(field.to_string(), detail.to_string())]
}

/// Every `q` error answers Coder's message and the failing key's text; pagination errors
/// answer `ParsePagination`'s.
#[test]
fn q_and_paging_errors_answer_coders_texts() {
    let w = World::new();
    let q = |s: &str| format!("q={}", url_encode(s));
    let msg = "Invalid connection search query.";
    let cases: Vec<(&str, Vec<(String, String)>)> = vec![
        ("hello", one("search", "\"search\" is not a valid query param")),
        (
            "colour:red",
            one("colour", "\"colour\" is not a valid query param"),
        ),
        (
            "type:foo",
            one(
                "type",
                "Query param \"type\" has invalid value: \"foo\" is not a valid value",
            ),
        ),
        (
            "status:web",
            one(
                "status",
                "Query param \"status\" has invalid value: \"web\" is not a valid value",
            ),
        ),
        (
            "workspace_id:nope",
            one("workspace_id", "Query param \"workspace_id\" must be a valid uuid"),
        ),
        (
            "connection_id:12",
            one("connection_id", "Query param \"connection_id\" must be a valid uuid"),
        ),
        (
            "organization:acme",
            one(
                "organization",
                "Query param \"organization\" has invalid value: organization \"acme\" either does not exist, or you are unauthorized to view it",
            ),
        ),
        (
            "type:ssh type:vscode",
            one(
                "type",
                "Query param \"type\" provided more than once, found 2 times. Only provide 1 instance of this query param.",
            ),
        ),
    ];
    for (query, want) in cases {
        let (message, got) = bad(&w.owner, &q(query));
        assert_eq!(message, msg, "{query}");
        assert_eq!(got, want, "{query}");
    }
    // Times: RFC 3339 with a zone, as Go's time.Parse reports the failure.
    let (message, got) = bad(&w.owner, &q("connected_after:\"2026-09-02\""));
    assert_eq!(message, msg);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "connected_after");
    assert!(
        got[0].1.starts_with(
            "Query param \"connected_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00)"
        ),
        "{}",
        got[0].1
    );
    // Two bad keys: both reported.
    let (_, got) = bad(&w.owner, &q("type:x status:y"));
    let fields: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["type", "status"]);

    let paging = "Query parameters have invalid values.";
    let (message, got) = bad(&w.owner, "limit=-1");
    assert_eq!(message, paging);
    assert_eq!(
        got,
        one(
            "limit",
            "Query param \"limit\" must be a valid 32-bit positive integer: value is negative"
        )
    );
    let (_, got) = bad(&w.owner, "offset=ten");
    assert_eq!(got, one("offset", "Query param \"offset\" must be a valid 32-bit positive integer: strconv.ParseInt: parsing \"ten\": invalid syntax"));
    let (_, got) = bad(&w.owner, "after_id=nope");
    assert_eq!(
        got,
        one("after_id", "Query param \"after_id\" must be a valid uuid")
    );
    let (message, got) = bad(&w.owner, &format!("after_id={}", uid(77)));
    assert_eq!(message, paging);
    assert_eq!(got[0].0, "after_id");
    assert!(got[0].1.contains("does not exist"), "{}", got[0].1);
    // The export validates the same query before streaming.
    let r = w
        .owner
        .get(&format!("{PATH}/export?{}", q("type:foo")))
        .expect(400);
    assert_eq!(r.body["message"], msg);
    let r = w
        .owner
        .get(&format!("{PATH}/export?format=xml"))
        .expect(400);
    assert!(r.body["message"].is_string());
    // Nothing was written by any of it.
    assert_eq!(w.rows("connection_logs"), 0);
}

/// `n` app events on alice's workspace, one second apart from `secs`.
fn apps(w: &World, n: i64, secs: i64) -> Vec<Value> {
    (0..n)
        .map(|i| web(&w.ws_alice, "workspace_app", "alice", 200, secs + i))
        .collect()
}

/// Default and explicit limits, offsets past the end, `after_id` keyset pages, and large
/// limits streamed from one snapshot equal to small pages.
#[test]
fn pagination_offsets_keyset_and_streamed_pages() {
    let w = World::new();
    record(&w.owner, apps(&w, 2500, 0));
    let all = w.list("limit=2500");
    assert_eq!(all["count"], 2500);
    let all_ids = ids(&all);
    assert_eq!(all_ids.len(), 2500);
    // Newest first.
    assert_eq!(all["connection_logs"][0]["connect_time"], at(2499));
    assert_eq!(all["connection_logs"][2499]["connect_time"], at(0));

    let first = w.list("");
    assert_eq!(ids(&first), all_ids[..100].to_vec(), "default limit 100");
    assert_eq!(first["count"], 2500);
    assert_eq!(ids(&w.list("limit=0")).len(), 100);
    let tail = w.list("limit=10&offset=2495");
    assert_eq!(ids(&tail), all_ids[2495..].to_vec());
    let past = w.list("limit=10&offset=3000");
    assert_eq!(past["connection_logs"], json!([]));
    assert_eq!(past["count"], 2500);

    // Keyset: the rows after a given one, with or without a filter.
    let after = w.list(&format!("limit=5&after_id={}", all_ids[9]));
    assert_eq!(ids(&after), all_ids[10..15].to_vec());
    assert_eq!(after["count"], 2500, "count ignores the cursor");
    let after = w.list(&format!(
        "limit=3&after_id={}&q={}",
        all_ids[2496],
        url_encode("type:workspace_app")
    ));
    assert_eq!(ids(&after), all_ids[2497..].to_vec());

    // Pages of 500 concatenated equal one streamed page of 2,000.
    let mut small = Vec::new();
    for off in (0..2000).step_by(500) {
        small.extend(ids(&w.list(&format!("limit=500&offset={off}"))));
    }
    let big = w.list("limit=2000");
    assert_eq!(big["count"], 2500);
    assert_eq!(big["count_cap"], 0);
    assert_eq!(ids(&big), small);
    assert_eq!(ids(&big), all_ids[..2000].to_vec());
    let big = w.list(&format!("limit=1500&after_id={}", all_ids[99]));
    assert_eq!(ids(&big), all_ids[100..1600].to_vec());
    // A streamed page with no match is the empty page.
    let none = w.list(&format!("limit=2000&q={}", url_encode("type:ssh")));
    assert_eq!(
        none,
        json!({"connection_logs": [], "count": 0, "count_cap": 0})
    );
}

/// `--connection-log-count-cap N` answers Coder's capped count (at most N+1, `count_cap` N);
/// without it the count is exact.
#[test]
fn count_is_exact_or_capped() {
    let w = World::with(|c| c.connection_log_count_cap = 100);
    record(&w.owner, apps(&w, 150, 0));
    record(
        &w.owner,
        vec![
            web(&w.ws_bob, "tunnel", "bob", 200, 500),
            web(&w.ws_bob, "tunnel", "bob", 200, 501),
        ],
    );
    let page = w.list("limit=10");
    assert_eq!(page["count"], 101);
    assert_eq!(page["count_cap"], 100);
    assert_eq!(ids(&page).len(), 10);
    let page = w.list(&format!("q={}", url_encode("type:tunnel")));
    assert_eq!(page["count"], 2);
    assert_eq!(page["count_cap"], 100);
    // Time-bounded counts (part days) are capped the same way.
    let page = w.list(&format!(
        "q={}",
        url_encode(&format!("connected_after:\"{}\"", at(40)))
    ));
    assert_eq!(page["count"], 101);
    let page = w.list(&format!(
        "q={}",
        url_encode(&format!("connected_before:\"{}\"", at(9)))
    ));
    assert_eq!(page["count"], 10);

    let exact = World::new();
    record(&exact.owner, apps(&exact, 150, 0));
    let page = exact.list("limit=10");
    assert_eq!(page["count"], 150);
    assert_eq!(page["count_cap"], 0);
    let page = exact.list(&format!(
        "q={}",
        url_encode(&format!("connected_after:\"{}\"", at(40)))
    ));
    assert_eq!(page["count"], 110);
}

/// A user to seed: name, site roles, organizations with their roles, and the (count, rows)
/// they read.
type RoleCase<'a> = (
    &'a str,
    &'a [&'a str],
    Vec<(&'a str, &'a [&'a str])>,
    (i64, usize),
);

/// Who may read: owner and auditor every row; organization admins and auditors their
/// organization's rows; members, user admins and template admins an empty page; nobody
/// signed out. Only the owner records events.
#[test]
fn readers_by_role() {
    // Many sign-ins from one address: no rate limit.
    let w = World::with(|c| c.login_rate_limit = 0);
    let org = default_org_id(&w.s);
    let other = w
        .owner
        .post("/api/v2/organizations", json!({"name": "other"}))
        .expect(201)
        .body["id"]
        .as_str()
        .expect("org id")
        .to_string();
    insert_user(&w.s, "carol", &[], &[(&other, &[])]);
    let ws_other = w
        .owner
        .post(
            &format!("/api/v2/organizations/{other}/members/carol/workspaces"),
            json!({"name": "far"}),
        )
        .expect(201)
        .body["id"]
        .as_str()
        .expect("ws id")
        .to_string();
    record(
        &w.owner,
        vec![
            web(&w.ws_alice, "workspace_app", "alice", 200, 10),
            session(&w.ws_bob, "ssh", 1, "connected", 20),
            web(&ws_other, "port_forwarding", "carol", 200, 30),
        ],
    );
    let count = |c: &Client| -> (i64, usize) {
        let p = c.get(PATH).expect(200).body;
        (p["count"].as_i64().expect("count"), ids(&p).len())
    };
    assert_eq!(count(&w.owner), (3, 3));
    let roles: Vec<RoleCase> = vec![
        ("aud", &["auditor"], vec![(&org, &[])], (3, 3)),
        ("mem", &[], vec![(&org, &[])], (0, 0)),
        ("uadm", &["user-admin"], vec![(&org, &[])], (0, 0)),
        ("tadm", &["template-admin"], vec![(&org, &[])], (0, 0)),
        (
            "oadm",
            &[],
            vec![(&org, &["organization-admin"]), (&other, &[])],
            (2, 2),
        ),
        (
            "oaud",
            &[],
            vec![(&org, &[]), (&other, &["organization-auditor"])],
            (1, 1),
        ),
        (
            "ouadm",
            &[],
            vec![(&org, &["organization-user-admin"])],
            (0, 0),
        ),
    ];
    for (name, site, orgs, want) in roles {
        let (_, c) = seed_user(&w.s, name, site, &orgs);
        assert_eq!(count(&c), want, "{name}");
        // The export shows the same rows.
        let csv = c
            .get(&format!("{PATH}/export?format=ndjson"))
            .expect(200)
            .text;
        assert_eq!(csv.lines().count(), want.1, "{name} export");
        // Only the owner records events.
        let r = c
            .post(PATH, web(&w.ws_alice, "tunnel", "alice", 200, 99))
            .expect(403);
        assert!(r.body["message"].is_string());
    }
    // An organization admin's count and page agree under a filter too.
    let (_, oadm2) = seed_user(&w.s, "oadm2", &[], &[(&other, &["organization-admin"])]);
    let p = oadm2
        .get(&format!("{PATH}?q={}", url_encode("type:port_forwarding")))
        .expect(200)
        .body;
    assert_eq!(p["count"], 1);
    assert_eq!(p["connection_logs"][0]["workspace_name"], "far");
    assert_eq!(p["connection_logs"][0]["organization"]["name"], "other");
    let p = oadm2
        .get(&format!("{PATH}?q={}", url_encode("organization:coder")))
        .expect(400)
        .body;
    assert_eq!(p["validations"][0]["field"], "organization");

    // Coder's UI asks before showing the page: the feature and the permission.
    let e = w.owner.get("/api/v2/entitlements").expect(200).body;
    assert_eq!(e["features"]["connection_log"]["entitlement"], "entitled");
    assert_eq!(e["features"]["connection_log"]["enabled"], true);
    let check = json!({"checks": {
        "read": {"object": {"resource_type": "connection_log"}, "action": "read"},
        "update": {"object": {"resource_type": "connection_log"}, "action": "update"}}});
    let (_, aud2) = seed_user(&w.s, "aud2", &["auditor"], &[]);
    let (_, mem2) = seed_user(&w.s, "mem2", &[], &[(&org, &[])]);
    for (c, want) in [
        (&w.owner, json!({"read": true, "update": true})),
        (&aud2, json!({"read": true, "update": false})),
        (&mem2, json!({"read": false, "update": false})),
    ] {
        assert_eq!(
            c.post("/api/v2/authcheck", check.clone()).expect(200).body,
            want
        );
    }

    let anon = w.s.client();
    anon.get(PATH).expect(401);
    anon.get(&format!("{PATH}/export")).expect(401);
    anon.post(PATH, web(&w.ws_alice, "tunnel", "alice", 200, 99))
        .expect(401);
    assert_eq!(w.rows("connection_logs"), 3);
}

/// The export streams every matching row as CSV or NDJSON, equal to the API's rows.
#[test]
fn export_csv_and_ndjson_equal_the_api() {
    let w = World::new();
    let mut close = session(&w.ws_bob, "jetbrains", 2, "disconnected", 70);
    close["code"] = json!(1);
    close["disconnect_reason"] = json!("agent \"main\" went away");
    record(
        &w.owner,
        vec![
            session(&w.ws_bob, "jetbrains", 2, "connected", 5),
            close,
            web(&w.ws_alice, "workspace_app", "bob", 502, 10),
        ],
    );
    record(&w.owner, apps(&w, 1200, 100));
    let q = url_encode("workspace_owner:alice");
    let api = w.list(&format!("limit=2000&q={q}"));
    let api_rows = api["connection_logs"].as_array().expect("rows").clone();
    assert_eq!(api_rows.len(), 1201);

    let r = w
        .owner
        .get(&format!("{PATH}/export?format=ndjson&q={q}"))
        .expect(200);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let cd = r.header("content-disposition").unwrap_or("");
    assert!(
        cd.starts_with("attachment; filename=\"connection-logs-") && cd.ends_with(".ndjson\""),
        "{cd}"
    );
    let nd: Vec<Value> = r
        .text
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson line"))
        .collect();
    assert_eq!(nd, api_rows);

    let all = w.list("limit=2000");
    let r = w.owner.get(&format!("{PATH}/export")).expect(200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/csv"));
    assert!(r
        .header("content-disposition")
        .unwrap_or("")
        .ends_with(".csv\""));
    let mut rdr = csv::Reader::from_reader(r.text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "id");
    assert!(header.contains(&"ssh_info".to_string()));
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect();
    let api_rows = all["connection_logs"].as_array().expect("rows");
    assert_eq!(rows.len(), api_rows.len());
    assert_eq!(rows.len(), 1202);
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    for (row, a) in rows.iter().zip(api_rows) {
        assert_eq!(row[col("id")], a["id"].as_str().unwrap());
        assert_eq!(
            row[col("connect_time")],
            a["connect_time"].as_str().unwrap()
        );
        assert_eq!(row[col("type")], a["type"].as_str().unwrap());
        assert_eq!(
            row[col("organization_name")],
            a["organization"]["name"].as_str().unwrap()
        );
        assert_eq!(
            row[col("workspace_owner_username")],
            a["workspace_owner_username"].as_str().unwrap()
        );
        for info in ["web_info", "ssh_info"] {
            let cell = &row[col(info)];
            if a[info].is_null() {
                assert_eq!(cell, "", "{info}");
            } else {
                let v: Value = serde_json::from_str(cell).expect("json cell");
                assert_eq!(v, a[info], "{info}");
            }
        }
    }
    // The closed JetBrains session, in the file as in the API.
    let last = rows.last().expect("row");
    assert_eq!(last[col("type")], "jetbrains");
    let ssh: Value = serde_json::from_str(&last[col("ssh_info")]).expect("ssh json");
    assert_eq!(ssh["exit_code"], 1);
    assert_eq!(ssh["disconnect_reason"], "agent \"main\" went away");
    assert_eq!(ssh["disconnect_time"], at(70));
}

/// Audit rows of the fixture (`workspace_agent`, `create`): `(status_code, additional_fields)`.
fn fixture_audits(w: &World) -> Vec<(i64, String)> {
    let db = w.s.db();
    let mut st = db
        .prepare(
            "SELECT status_code, additional_fields FROM audit_logs \
             WHERE resource_type = 'workspace_agent' AND action = 'create' ORDER BY seq",
        )
        .expect("prepare");
    st.query_map(coderlite::params![], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

/// The fixture's bad input: 400 with `validations` naming each event's field, 409 for an id
/// already recorded, nothing written either way; each attempt audited.
#[test]
fn fixture_errors_write_nothing() {
    let w = World::new();
    let expect_fields = |body: Value, status: u16, want: &[&str]| {
        let r = w.owner.post(PATH, body).expect(status);
        let got: Vec<String> = r.body["validations"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|v| v["field"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(got, want, "{}", r.text);
        r
    };
    let good = web(&w.ws_alice, "tunnel", "alice", 200, 1);
    let mut no_ws = good.clone();
    no_ws["workspace_id"] = json!(uid(999));
    let mut no_user = good.clone();
    no_user["user"] = json!("nobody");
    let mut bad_type = good.clone();
    bad_type["type"] = json!("telnet");
    let mut bad_time = good.clone();
    bad_time["time"] = json!("yesterday");
    let r = expect_fields(
        json!([good.clone(), no_ws, bad_type, bad_time]),
        400,
        &["[2].type", "[3].time"],
    );
    assert_eq!(r.body["message"], "Validation failed.");
    // Shape is fine, but the workspace and user do not exist.
    expect_fields(
        json!([good.clone(), no_ws_of(&good), no_user]),
        400,
        &["[1].workspace_id", "[2].user"],
    );
    let mut sess = session(&w.ws_alice, "ssh", 1, "connected", 1);
    sess["user"] = json!("alice");
    expect_fields(sess, 400, &["user"]);
    expect_fields(
        session(&w.ws_alice, "ssh", 1, "sideways", 1),
        400,
        &["status"],
    );
    let mut no_conn = session(&w.ws_alice, "vscode", 1, "connected", 1);
    no_conn.as_object_mut().unwrap().remove("connection_id");
    expect_fields(no_conn, 400, &["connection_id"]);
    expect_fields(json!([]), 400, &["body"]);
    let r = w
        .owner
        .raw("POST", PATH, Some(b"{not json".to_vec()), &[])
        .expect(400);
    assert_eq!(r.body["message"], "Request body must be valid JSON.");
    assert_eq!(w.rows("connection_logs"), 0);

    // An id already taken by another row: 409, nothing written.
    let mut first = good.clone();
    first["id"] = json!(uid(5));
    w.owner.post(PATH, first.clone()).expect(201);
    let mut again = web(&w.ws_bob, "workspace_app", "bob", 200, 2);
    again["id"] = json!(uid(5));
    let r = expect_fields(json!([good.clone(), again]), 409, &["[1].id"]);
    assert_eq!(r.body["message"], "Connection log already exists.");
    // The same id twice in one request.
    let mut dup = good.clone();
    dup["id"] = json!(uid(6));
    expect_fields(json!([dup.clone(), dup]), 400, &["[1].id"]);
    assert_eq!(w.rows("connection_logs"), 1);
    let page = w.list("");
    assert_eq!(page["count"], 1);

    // Every attempt is audited with its status; the success names its counts.
    let audits = fixture_audits(&w);
    let statuses: Vec<i64> = audits.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        statuses,
        vec![400, 400, 400, 400, 400, 400, 400, 201, 409, 400],
        "{audits:?}"
    );
    let fields: Value = serde_json::from_str(&audits[7].1).expect("fields");
    assert_eq!(fields["events"], "1");
    assert_eq!(fields["connection_logs"], "1");
}

fn no_ws_of(good: &Value) -> Value {
    let mut v = good.clone();
    v["workspace_id"] = json!(uid(998));
    v
}

//! `coderlite seed --connection-logs N`: deterministic, a realistic mix, exact counts; deep
//! offsets and capped counts on the seeded file equal a walk of the rows.

use super::*;
use std::path::Path;

fn seed(db: &Path, connection_logs: usize) {
    coderlite::seed::run(&coderlite::seed::SeedArgs {
        db: db.to_path_buf(),
        force: false,
        users: 40,
        audit_logs: 100,
        interceptions: 0,
        connection_logs,
        initiators: None,
        workspaces: None,
        builds: None,
        ai_build_fraction: 0.03,
        seed: 11,
    })
    .expect("seed");
}

#[test]
fn seed_makes_a_deterministic_mix_of_connection_logs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    seed(&a, 3_000);
    seed(&b, 3_000);
    let digest = |p: &Path| -> String {
        rusqlite::Connection::open(p)
            .expect("open")
            .query_row(
                "SELECT group_concat(id || connect_time || type || workspace_id || coalesce(user_id, '-') \
                 || coalesce(disconnect_time, '-') || coalesce(code, '-'), ',') FROM connection_logs",
                [],
                |r| r.get(0),
            )
            .expect("digest")
    };
    assert_eq!(digest(&a), digest(&b));
    let c = rusqlite::Connection::open(&a).expect("open");
    let n = |sql: &str| one(&Tx::sqlite(&c), sql);
    assert_eq!(n("SELECT count(*) FROM connection_logs"), 3_000);
    assert_counters_exact(&Tx::sqlite(&c));
    assert_eq!(n("SELECT count(DISTINCT type) FROM connection_logs"), 7);
    // Agent sessions: a connection id each, most closed with an exit code; web events: a user
    // and a status, never a disconnect.
    assert_eq!(
        n("SELECT count(*) FROM connection_logs WHERE state <> 'web' AND connection_id IS NULL"),
        0
    );
    assert!(n("SELECT count(*) FROM connection_logs WHERE state = 'ongoing'") > 0);
    assert!(
        n("SELECT count(*) FROM connection_logs WHERE state = 'completed'")
            > 10 * n("SELECT count(*) FROM connection_logs WHERE state = 'ongoing'")
    );
    assert_eq!(
        n("SELECT count(*) FROM connection_logs WHERE state = 'web' \
           AND (user_id IS NULL OR code IS NULL OR disconnect_time IS NOT NULL)"),
        0
    );
    assert!(n("SELECT count(*) FROM connection_logs WHERE type = 'tunnel' AND code = 403") > 0);
    // Rows belong to their workspace's owner and organization, inside the workspace's life.
    assert_eq!(
        n(
            "SELECT count(*) FROM connection_logs c JOIN workspaces w ON w.id = c.workspace_id \
           WHERE w.owner_id <> c.workspace_owner_id OR w.organization_id <> c.organization_id \
           OR w.name <> c.workspace_name"
        ),
        0
    );
    assert_eq!(
        n("SELECT count(*) FROM connection_logs WHERE workspace_id NOT IN (SELECT id FROM workspaces)"),
        0
    );
    // Spread over the 90 days, skewed towards busy workspaces.
    assert!(
        n("SELECT max(connect_time) - min(connect_time) > 80 * 86400000000 FROM connection_logs")
            == 1
    );
    let top =
        n("SELECT max(c) FROM (SELECT count(*) c FROM connection_logs GROUP BY workspace_id)");
    assert!(top > 100, "busiest workspace has {top} rows");

    coderlite::cli::create_admin_user(&a, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let s = TestServer::start_with(|cfg| cfg.db = a.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    let page = owner.get(&format!("{PATH}?limit=5")).expect(200).body;
    assert_eq!(page["count"], 3_000);
    assert_eq!(page["connection_logs"].as_array().map(Vec::len), Some(5));
    let ongoing = n("SELECT count(*) FROM connection_logs WHERE state = 'ongoing'");
    let got = owner
        .get(&format!("{PATH}?q={}", url_encode("status:ongoing")))
        .expect(200)
        .body;
    assert_eq!(got["count"], ongoing);
}

#[test]
fn seed_without_connection_logs_leaves_the_table_empty() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("a.db");
    seed(&db, 0);
    let c = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(
        one(&Tx::sqlite(&c), "SELECT count(*) FROM connection_logs"),
        0
    );
    assert_eq!(
        one(
            &Tx::sqlite(&c),
            "SELECT count(*) FROM connection_log_day_counts"
        ),
        0
    );
}

/// Deep offsets skip whole days through the day counters, and capped counts of filters the
/// counters answer come from them: both must give what a plain walk of the rows gives.
#[test]
fn seeded_deep_offsets_and_capped_counts_match_the_rows() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("a.db");
    seed(&db, 30_000);
    coderlite::cli::create_admin_user(&db, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let c = rusqlite::Connection::open(&db).expect("open");
    let org: String = c
        .query_row(
            "SELECT o.name FROM organizations o JOIN connection_logs l ON l.organization_id = o.id \
             WHERE o.is_default = 0 GROUP BY o.id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("org");
    let newest = one(
        &Tx::sqlite(&c),
        "SELECT max(connect_time) FROM connection_logs",
    );
    let mid = coderlite::timefmt::format_micros(newest - 30 * 86_400_000_000 - 7_777_777);
    let late = coderlite::timefmt::format_micros(newest - 60 * 86_400_000_000 + 3_333_333);
    // (q, SQL condition)
    let filters = [
        (String::new(), "1".to_string()),
        ("type:ssh".into(), "type = 'ssh'".into()),
        ("status:completed".into(), "state = 'completed'".into()),
        (
            format!("organization:{org}"),
            format!("organization_id = (SELECT id FROM organizations WHERE name = '{org}')"),
        ),
        (
            format!("connected_before:\"{mid}\""),
            format!(
                "connect_time <= {}",
                newest - 30 * 86_400_000_000 - 7_777_777
            ),
        ),
        (
            format!("connected_after:\"{late}\" connected_before:\"{mid}\" type:vscode"),
            format!(
                "connect_time >= {} AND connect_time <= {} AND type = 'vscode'",
                newest - 60 * 86_400_000_000 + 3_333_333,
                newest - 30 * 86_400_000_000 - 7_777_777
            ),
        ),
    ];
    // The busiest workspace owner, workspace and web user: counted by the key counters.
    let top = |col: &str| -> String {
        c.query_row(
            &format!(
                "SELECT {col} FROM connection_logs WHERE {col} IS NOT NULL \
                 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            [],
            |r| r.get(0),
        )
        .expect(col)
    };
    let name = |id: &str| -> String {
        c.query_row("SELECT username FROM users WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("username")
    };
    let email = |id: &str| -> String {
        c.query_row("SELECT email FROM users WHERE id = ?1", [id], |r| r.get(0))
            .expect("email")
    };
    let (owner_id, ws, user_id) = (
        top("workspace_owner_id"),
        top("workspace_id"),
        top("user_id"),
    );
    let mut filters = filters.to_vec();
    filters.extend([
        (
            format!("workspace_owner:{}", name(&owner_id)),
            format!("workspace_owner_id = '{owner_id}'"),
        ),
        (
            format!(
                "workspace_owner:{} type:vscode status:completed",
                name(&owner_id)
            ),
            format!(
                "workspace_owner_id = '{owner_id}' AND type = 'vscode' AND state = 'completed'"
            ),
        ),
        (
            format!("workspace_id:{ws} type:ssh"),
            format!("workspace_id = '{ws}' AND type = 'ssh'"),
        ),
        (
            format!("username:{} type:tunnel", name(&user_id)),
            format!("user_id = '{user_id}' AND type = 'tunnel'"),
        ),
        (
            format!("user_email:{}", email(&user_id)),
            format!("user_id = '{user_id}'"),
        ),
    ]);
    let s = TestServer::start_with(|cfg| cfg.db = db.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    for (q, cond) in &filters {
        let total = one(
            &Tx::sqlite(&c),
            &format!("SELECT count(*) FROM connection_logs WHERE {cond}"),
        );
        for offset in [10_000, 12_345, total - 3, total + 5] {
            let want: Vec<String> = c
                .prepare(&format!(
                    "SELECT id FROM connection_logs WHERE {cond} \
                     ORDER BY connect_time DESC, seq DESC LIMIT 25 OFFSET {offset}"
                ))
                .expect("prepare")
                .query_map([], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("ids");
            let page = owner
                .get(&format!(
                    "{PATH}?limit=25&offset={offset}&q={}",
                    url_encode(q)
                ))
                .expect(200)
                .body;
            assert_eq!(ids(&page), want, "q={q:?} offset {offset}");
            assert_eq!(page["count"], total, "q={q:?}");
        }
    }
    drop(s);
    let capped = TestServer::start_with(|cfg| {
        cfg.db = db.clone();
        cfg.connection_log_count_cap = 2000;
    });
    let owner = capped.login(OWNER_EMAIL, PASSWORD);
    for (q, cond) in &filters {
        let total = one(
            &Tx::sqlite(&c),
            &format!("SELECT count(*) FROM connection_logs WHERE {cond}"),
        );
        let page = owner
            .get(&format!("{PATH}?limit=5&q={}", url_encode(q)))
            .expect(200)
            .body;
        assert_eq!(page["count"], total.min(2001), "q={q:?}");
        assert_eq!(page["count_cap"], 2000);
    }
}

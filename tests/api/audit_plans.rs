//! `EXPLAIN QUERY PLAN` of the generated audit SQL, on an empty schema-loaded database (no
//! ANALYZE statistics, as a fresh server has). Rules:
//! * `audit_logs` is never read by a plain `SCAN` (a full table scan);
//! * a `SCAN ... USING [COVERING] INDEX` (walking a whole index) is accepted only when no
//!   filter narrows the rows: the unfiltered page (the walk stops after LIMIT rows) and the
//!   unfiltered count (SQLite counts the smallest b-tree);
//! * with any filter, `audit_logs` must be reached by `SEARCH` (an index range);
//! * every join of the final page (row, user, organization, look-ups) is a `SEARCH`.

use coderlite::model::query::AuditFilter;
use coderlite::rbac::AuditScope;
use coderlite::store::audit_logs::*;
use coderlite::store::Params;
use rusqlite::Connection;

fn conn() -> Connection {
    let c = Connection::open_in_memory().expect("memory db");
    c.execute_batch(coderlite::db::migrate::SCHEMA)
        .expect("schema");
    c
}

/// Rows per table and rows per value of each index's first column, shaped like the 1M-row
/// benchmark dataset.
const SHAPE: &[(&str, i64)] = &[
    ("audit_logs", 1_000_000),
    ("users", 10_000),
    ("workspaces", 30_000),
    ("workspace_builds", 300_000),
    ("aibridge_interceptions", 200_000),
    ("organizations", 5),
    ("organization_members", 10_000),
    ("api_keys", 20_000),
    ("audit_log_counts", 200),
    ("audit_log_day_counts", 50_000),
];
const FIRST_COLUMN: &[(&str, i64)] = &[
    ("audit_logs_user_time", 70),
    ("audit_logs_type_action_time", 25_000),
    ("audit_logs_type_time", 25_000),
    ("audit_logs_action_time", 80_000),
    ("audit_logs_org_time", 200_000),
    ("audit_logs_resource_id", 8),
    ("audit_logs_request_id", 2),
    ("audit_logs_target_time", 40),
    ("audit_logs_build_reason_time", 45_000),
    ("workspaces_owner_name_live", 4),
    ("workspaces_org", 6_000),
    ("workspace_builds_ai_task", 9),
    ("aibridge_interceptions_initiator", 130),
    ("organization_members_user", 1),
];

/// A schema-loaded file database with `sqlite_stat1` statistics of a large deployment, so
/// the plans are the ones a big (ANALYZEd or size-estimating) database gets.
fn conn_with_stats(dir: &std::path::Path) -> Connection {
    let path = dir.join("plan.db");
    {
        let c = Connection::open(&path).expect("file db");
        c.execute_batch(coderlite::db::migrate::SCHEMA)
            .expect("schema");
        c.execute_batch("ANALYZE").expect("analyze");
        c.execute("DELETE FROM sqlite_stat1", [])
            .expect("clear stats");
        let indexes: Vec<(String, String)> = c
            .prepare("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'")
            .expect("indexes")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        for (table, index) in indexes {
            let rows = SHAPE
                .iter()
                .find(|(t, _)| *t == table)
                .map_or(1_000, |s| s.1);
            let cols: i64 = c
                .query_row(
                    &format!("SELECT count(*) FROM pragma_index_info('{index}')"),
                    [],
                    |r| r.get(0),
                )
                .expect("index columns");
            let first = FIRST_COLUMN
                .iter()
                .find(|(i, _)| *i == index)
                .map_or(1, |s| s.1);
            let mut stat = format!("{rows} {first}");
            for _ in 1..cols {
                stat.push_str(" 1");
            }
            c.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?1, ?2, ?3)",
                rusqlite::params![table, index, stat],
            )
            .expect("stat");
        }
    }
    Connection::open(&path).expect("reopen with stats")
}

fn plan(c: &Connection, sql: &str, p: &Params) -> Vec<String> {
    let mut stmt = c
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("prepare plan");
    let rows = stmt
        .query_map(rusqlite::params_from_iter(p.as_params()), |r| {
            r.get::<_, String>(3)
        })
        .expect("plan rows");
    rows.map(|r| r.expect("detail")).collect()
}

/// Checks one plan; `filtered` = some filter narrows the rows.
fn check(name: &str, lines: &[String], filtered: bool) {
    let text = lines.join("\n");
    for l in lines {
        let l = l.trim();
        let is_audit_scan = l.starts_with("SCAN al");
        if l == "SCAN al" || (is_audit_scan && !l.contains("INDEX")) {
            panic!("{name}: full table scan of audit_logs:\n{text}");
        }
        // The final page reaches its rows by rowid, never by walking audit_logs.
        if (l.starts_with("SCAN a ") || l == "SCAN a" || l.starts_with("SEARCH a "))
            && !l.contains("INTEGER PRIMARY KEY")
        {
            panic!("{name}: page rows not fetched by rowid:\n{text}");
        }
        if filtered && is_audit_scan {
            panic!("{name}: filtered query walks a whole index:\n{text}");
        }
        for t in [
            "SCAN u",
            "SCAN o",
            "SCAN users",
            "SCAN organizations",
            "SCAN rw",
            "SCAN rb",
            "SCAN ru",
            "SCAN ou",
        ] {
            if l == t || l.starts_with(&format!("{t} ")) {
                panic!("{name}: scan in a per-row look-up ({l}):\n{text}");
            }
        }
    }
}

fn cases() -> Vec<(&'static str, AuditFilter)> {
    let s = |v: &str| Some(v.to_string());
    let base = AuditFilter::default;
    vec![
        (
            "request_id",
            AuditFilter {
                request_id: s("r"),
                ..base()
            },
        ),
        (
            "resource_id",
            AuditFilter {
                resource_id: s("r"),
                ..base()
            },
        ),
        (
            "resource_target",
            AuditFilter {
                resource_target: s("dev"),
                ..base()
            },
        ),
        (
            "username",
            AuditFilter {
                username: s("bob"),
                ..base()
            },
        ),
        (
            "user_id",
            AuditFilter {
                user_id: s("u"),
                ..base()
            },
        ),
        (
            "email",
            AuditFilter {
                email: s("b@x.io"),
                ..base()
            },
        ),
        (
            "date_from",
            AuditFilter {
                date_from: Some(1),
                ..base()
            },
        ),
        (
            "date_to",
            AuditFilter {
                date_to_before: Some(1),
                ..base()
            },
        ),
        (
            "date range",
            AuditFilter {
                date_from: Some(1),
                date_to_before: Some(2),
                ..base()
            },
        ),
        (
            "organization",
            AuditFilter {
                organization_id: s("o"),
                ..base()
            },
        ),
        (
            "resource_type",
            AuditFilter {
                resource_type: s("workspace"),
                ..base()
            },
        ),
        (
            "action",
            AuditFilter {
                action: s("create"),
                ..base()
            },
        ),
        (
            "build_reason",
            AuditFilter {
                build_reason: s("autostart"),
                ..base()
            },
        ),
        (
            "type+action",
            AuditFilter {
                resource_type: s("workspace"),
                action: s("create"),
                ..base()
            },
        ),
        (
            "type+action+week",
            AuditFilter {
                resource_type: s("workspace"),
                action: s("create"),
                date_from: Some(1),
                date_to_before: Some(2),
                ..base()
            },
        ),
        (
            "username+action",
            AuditFilter {
                username: s("bob"),
                action: s("login"),
                ..base()
            },
        ),
        (
            "org+build_reason",
            AuditFilter {
                organization_id: s("o"),
                build_reason: s("cli"),
                ..base()
            },
        ),
    ]
}

#[test]
fn no_full_scans() {
    let dir = tempfile::tempdir().expect("tempdir");
    no_full_scans_on(&conn());
    no_full_scans_on(&conn_with_stats(dir.path()));
}

fn no_full_scans_on(c: &Connection) {
    let cursor = Cursor { time: 5, seq: 7 };
    let one = AuditScope::Orgs(vec!["o1".into()]);
    let two = AuditScope::Orgs(vec!["o1".into(), "o2".into()]);
    let unfiltered = AuditFilter::default();
    for (scope_name, scope) in [
        ("all", &AuditScope::All),
        ("one org", &one),
        ("two orgs", &two),
    ] {
        let scoped = !matches!(scope, AuditScope::All);
        let mut all = cases();
        all.push(("none", unfiltered.clone()));
        for (name, f) in &all {
            let filtered = scoped || f != &unfiltered;
            for (after, sort_ok) in [(None, false), (Some(&cursor), false), (None, true)] {
                let label = format!(
                    "{name} [{scope_name}, cursor: {}, sort ok: {sort_ok}]",
                    after.is_some()
                );
                let spec = PageSpec {
                    after: after.cloned(),
                    limit: 50,
                    offset: 0,
                    sort_ok,
                };
                let (sql, p) = page_sql(f, scope, &spec).expect("page sql");
                // Several organizations holding many rows (sort not ok) and no other driving
                // filter: the page walks the time index in order and stops after LIMIT
                // matches, which are dense (> SORT_LIMIT of them), so this walk is short.
                let dense_walk = choose_index(f, scope, sort_ok) == "audit_logs_time"
                    && f.date_from.is_none()
                    && f.date_to_before.is_none();
                // A cursor is itself a range on the time index.
                let narrowed = (filtered && !dense_walk) || after.is_some();
                check(&format!("page {label}"), &plan(c, &sql, &p), narrowed);
            }
            let (sql, p) = count_sql(f, scope, 0).expect("count sql");
            check(
                &format!("count {name} [{scope_name}]"),
                &plan(c, &sql, &p),
                filtered,
            );
            let (sql, p) = count_sql(f, scope, 2000).expect("capped sql");
            check(
                &format!("capped {name} [{scope_name}]"),
                &plan(c, &sql, &p),
                filtered,
            );
        }
    }
}

/// The pages that must not sort: the driving index delivers `time DESC, seq DESC` itself.
#[test]
fn ordered_without_sorting() {
    let dir = tempfile::tempdir().expect("tempdir");
    ordered_without_sorting_on(&conn());
    ordered_without_sorting_on(&conn_with_stats(dir.path()));
}

fn ordered_without_sorting_on(c: &Connection) {
    let mut all = cases();
    all.push(("none", AuditFilter::default()));
    for (name, f) in all {
        if name == "email" {
            continue; // several users may share an email: a small sort of their rows
        }
        let spec = PageSpec {
            limit: 50,
            ..PageSpec::default()
        };
        let (sql, p) = page_ids_sql(&f, &AuditScope::All, &spec).expect("sql");
        let lines = plan(c, &sql, &p);
        assert!(
            !lines.iter().any(|l| l.contains("TEMP B-TREE")),
            "{name}: page sorts:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn print_plans() {
    // Visible with `cargo test print_plans -- --nocapture`; documents the plans.
    let dir = tempfile::tempdir().expect("tempdir");
    let c = &conn_with_stats(dir.path());
    for (name, f) in cases() {
        let spec = PageSpec {
            limit: 50,
            ..PageSpec::default()
        };
        let (sql, p) = page_sql(&f, &AuditScope::All, &spec).expect("sql");
        println!("== page {name}\n{}", plan(c, &sql, &p).join("\n"));
        let (sql, p) = count_sql(&f, &AuditScope::All, 0).expect("sql");
        println!("== count {name}\n{}", plan(c, &sql, &p).join("\n"));
    }
}

#[test]
fn the_smallest_dimension_term_drives() {
    let c = conn();
    c.execute_batch(
        "INSERT INTO audit_log_counts VALUES
             ('small', 'workspace', 'create', '', 5),
             ('big', 'workspace', 'create', '', 90000),
             ('big', 'license', 'create', '', 3),
             ('big', 'user', 'write', '', 400000);",
    )
    .expect("counters");
    let s = |v: &str| Some(v.to_string());
    let pick = |f: AuditFilter| {
        pick_index(
            &coderlite::store::sql::Tx::sqlite(&c),
            &f,
            &AuditScope::All,
            false,
        )
        .expect("pick")
    };
    let small_ws = AuditFilter {
        organization_id: s("small"),
        resource_type: s("workspace"),
        ..AuditFilter::default()
    };
    assert_eq!(pick(small_ws.clone()), "audit_logs_org_time");
    let big_license = AuditFilter {
        organization_id: s("big"),
        resource_type: s("license"),
        ..AuditFilter::default()
    };
    assert_eq!(pick(big_license), "audit_logs_type_time");
    // A selective term keeps driving (its index carries the dimension columns).
    let with_user = AuditFilter {
        username: s("alice"),
        ..small_ws.clone()
    };
    assert_eq!(pick(with_user), "audit_logs_user_time");
    // The caller's one organization counts as an organization term.
    let scoped = AuditFilter {
        resource_type: s("workspace"),
        ..AuditFilter::default()
    };
    let one_org = AuditScope::Orgs(vec!["small".into()]);
    assert_eq!(
        pick_index(
            &coderlite::store::sql::Tx::sqlite(&c),
            &scoped,
            &one_org,
            false
        )
        .expect("pick"),
        "audit_logs_org_time"
    );
}

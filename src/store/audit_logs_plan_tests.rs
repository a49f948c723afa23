//! `EXPLAIN QUERY PLAN` of the generated audit SQL, on an empty schema-loaded database (no
//! ANALYZE statistics, as a fresh server has). Rules:
//! * `audit_logs` is never read by a plain `SCAN` (a full table scan);
//! * a `SCAN ... USING [COVERING] INDEX` (walking a whole index) is accepted only when no
//!   filter narrows the rows: the unfiltered page (the walk stops after LIMIT rows) and the
//!   unfiltered count (SQLite counts the smallest b-tree);
//! * with any filter, `audit_logs` must be reached by `SEARCH` (an index range);
//! * every join of the final page (row, user, organization, look-ups) is a `SEARCH`.

use super::*;
use crate::search::audit::AuditFilter;

fn conn() -> Connection {
    let c = Connection::open_in_memory().expect("memory db");
    c.execute_batch(crate::db::migrate::SCHEMA).expect("schema");
    c
}

fn plan(c: &Connection, sql: &str, p: &Params) -> Vec<String> {
    let mut stmt = c
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("prepare plan");
    let rows = stmt
        .query_map(p.as_params(), |r| r.get::<_, String>(3))
        .expect("plan rows");
    rows.map(|r| r.expect("detail")).collect()
}

/// Checks one plan; `filtered` = some filter narrows the rows.
fn check(name: &str, lines: &[String], filtered: bool) {
    let text = lines.join("\n");
    for l in lines {
        let l = l.trim();
        let is_audit_scan = l.starts_with("SCAN al") || l.starts_with("SCAN a ");
        if l == "SCAN al" || l == "SCAN a" || (is_audit_scan && !l.contains("INDEX")) {
            panic!("{name}: full table scan of audit_logs:\n{text}");
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
    let c = conn();
    let cursor = Cursor {
        time: 5,
        id: "x".into(),
    };
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
            for after in [None, Some(&cursor)] {
                let label = format!("{name} [{scope_name}, cursor: {}]", after.is_some());
                let (sql, p) = page_sql(f, scope, after, 50, 0).expect("page sql");
                // A cursor is itself a range on the time index.
                check(
                    &format!("page {label}"),
                    &plan(&c, &sql, &p),
                    filtered || after.is_some(),
                );
            }
            let (sql, p) = count_sql(f, scope, 0).expect("count sql");
            check(
                &format!("count {name} [{scope_name}]"),
                &plan(&c, &sql, &p),
                filtered,
            );
            let (sql, p) = count_sql(f, scope, 2000).expect("capped sql");
            check(
                &format!("capped {name} [{scope_name}]"),
                &plan(&c, &sql, &p),
                filtered,
            );
        }
    }
}

/// The pages that must not sort: the driving index delivers `time DESC, id DESC` itself.
#[test]
fn ordered_without_sorting() {
    let c = conn();
    let mut all = cases();
    all.push(("none", AuditFilter::default()));
    for (name, f) in all {
        if name == "email" {
            continue; // several users may share an email: a small sort of their rows
        }
        let (sql, p) = page_ids_sql(&f, &AuditScope::All, None, 50, 0).expect("sql");
        let lines = plan(&c, &sql, &p);
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
    let c = conn();
    for (name, f) in cases() {
        let (sql, p) = page_sql(&f, &AuditScope::All, None, 50, 0).expect("sql");
        println!("== page {name}\n{}", plan(&c, &sql, &p).join("\n"));
        let (sql, p) = count_sql(&f, &AuditScope::All, 0).expect("sql");
        println!("== count {name}\n{}", plan(&c, &sql, &p).join("\n"));
    }
}

//! Counters against counting the rows, and deep-offset day skipping against walking.
use coderlite::model::query::AuditFilter;
use coderlite::rbac::AuditScope;
use coderlite::store::audit_counts::*;
use coderlite::store::audit_logs;
use rusqlite::params;
use rusqlite::Connection;

fn conn() -> Connection {
    let c = Connection::open_in_memory().expect("memory db");
    c.execute_batch(coderlite::db::migrate::SCHEMA)
        .expect("schema");
    c
}

/// Counters agree with counting the rows, for many filter shapes, after inserts and
/// deletes, including times before 1970 and on day boundaries.
#[test]
fn counters_match_row_counts() {
    let c = conn();
    let orgs = ["o1", "o2", "00000000-0000-0000-0000-000000000000"];
    let types = ["workspace", "workspace_build", "api_key"];
    let actions = ["create", "start", "login"];
    let reasons = [None, Some("autostart"), Some("cli")];
    let mut seed: u64 = 42;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for i in 0..600 {
        let time = (next(20) as i64 - 5) * DAY_MICROS + [0, 1, DAY_MICROS - 1][next(3) as usize];
        c.execute(
            "INSERT INTO audit_logs (id, time, user_id, organization_id, resource_type, resource_id, \
             resource_target, action, status_code, request_id, build_reason) \
             VALUES (?1, ?2, 'u', ?3, ?4, 'r', 't', ?5, 200, 'q', ?6)",
            params![
                format!("id{i}"),
                time,
                orgs[next(3) as usize],
                types[next(3) as usize],
                actions[next(3) as usize],
                reasons[next(3) as usize]
            ],
        )
        .expect("insert");
    }
    c.execute("DELETE FROM audit_logs WHERE seq % 7 = 0", [])
        .expect("delete");
    let s = |v: &str| Some(v.to_string());
    let mut filters = vec![AuditFilter::default()];
    for o in orgs {
        filters.push(AuditFilter {
            organization_id: s(o),
            ..Default::default()
        });
    }
    for t in types {
        for a in actions {
            filters.push(AuditFilter {
                resource_type: s(t),
                action: s(a),
                ..Default::default()
            });
        }
    }
    filters.push(AuditFilter {
        build_reason: s("autostart"),
        ..Default::default()
    });
    for d in [-6, -3, 0, 4, 20] {
        filters.push(AuditFilter {
            date_from: Some(d * DAY_MICROS),
            ..Default::default()
        });
        filters.push(AuditFilter {
            date_to_before: Some(d * DAY_MICROS),
            action: s("start"),
            ..Default::default()
        });
        filters.push(AuditFilter {
            date_from: Some(d * DAY_MICROS),
            date_to_before: Some((d + 3) * DAY_MICROS),
            organization_id: s("o2"),
            ..Default::default()
        });
    }
    let scopes = [
        AuditScope::All,
        AuditScope::Orgs(vec!["o1".into()]),
        AuditScope::Orgs(vec!["o1".into(), "o2".into()]),
    ];
    for f in &filters {
        for scope in &scopes {
            let fast = count(&coderlite::store::sql::Tx::sqlite(&c), f, scope)
                .expect("count")
                .expect("answerable");
            let (sql, p) = audit_logs::count_sql(f, scope, 0).expect("sql");
            let slow: i64 = c
                .query_row(&sql, rusqlite::params_from_iter(p.as_params()), |r| {
                    r.get(0)
                })
                .expect("slow count");
            assert_eq!(fast, slow, "{f:?} {scope:?}");
        }
    }
    // Rebuild gives the same counters.
    let before: i64 = c
        .query_row(
            "SELECT sum(n * length(resource_type)) FROM audit_log_day_counts",
            [],
            |r| r.get(0),
        )
        .expect("sum");
    rebuild(&coderlite::store::sql::Tx::sqlite(&c)).expect("rebuild");
    let after: i64 = c
        .query_row(
            "SELECT sum(n * length(resource_type)) FROM audit_log_day_counts",
            [],
            |r| r.get(0),
        )
        .expect("sum");
    assert_eq!(before, after);
    // Selective filters and odd date bounds are not answered from the counters.
    let f = AuditFilter {
        username: s("bob"),
        ..Default::default()
    };
    assert!(count_sql(&f, &AuditScope::All).is_none());
    let f = AuditFilter {
        date_from: Some(5),
        ..Default::default()
    };
    assert!(count_sql(&f, &AuditScope::All).is_none());
}

/// A deep OFFSET through the day totals lands on exactly the rows the walk finds.
#[test]
fn skipping_days_equals_walking() {
    let c = conn();
    c.execute_batch("BEGIN").expect("begin");
    for i in 0..12_000i64 {
        // ~30 days, several rows per microsecond tie, two organizations.
        let time = 10 * DAY_MICROS + (i * 7919 % 30_000) * (DAY_MICROS / 1_000) + i % 3;
        c.execute(
            "INSERT INTO audit_logs (id, time, user_id, organization_id, resource_type, resource_id, \
             resource_target, action, status_code, request_id) \
             VALUES (?1, ?2, 'u', ?3, 'user', 'r', 't', 'write', 200, 'q')",
            params![format!("{:08}", i * 7 % 12_000), time, ["o1", "o2"][(i % 5 == 0) as usize]],
        )
        .expect("insert");
    }
    c.execute_batch("COMMIT").expect("commit");
    let walk = |f: &AuditFilter, scope: &AuditScope, offset: i64| -> Vec<String> {
        let pg = audit_logs::PageSpec {
            limit: 25,
            offset,
            ..Default::default()
        };
        let (sql, p) = audit_logs::page_ids_sql(f, scope, &pg).expect("sql");
        let seqs: Vec<i64> = c
            .prepare(&sql)
            .expect("prepare")
            .query_map(rusqlite::params_from_iter(p.as_params()), |r| r.get(0))
            .expect("query")
            .map(|r| r.expect("seq"))
            .collect();
        seqs.iter()
            .map(|s| {
                c.query_row("SELECT id FROM audit_logs WHERE seq = ?1", [s], |r| {
                    r.get(0)
                })
                .expect("id")
            })
            .collect()
    };
    let filters = [
        AuditFilter::default(),
        AuditFilter {
            organization_id: Some("o2".into()),
            ..Default::default()
        },
        AuditFilter {
            date_from: Some(15 * DAY_MICROS),
            date_to_before: Some(35 * DAY_MICROS),
            ..Default::default()
        },
    ];
    let scopes = [AuditScope::All, AuditScope::Orgs(vec!["o1".into()])];
    for f in &filters {
        for scope in &scopes {
            for offset in [
                SKIP_FROM, 5_001, 6_789, 9_000, 11_990, 11_999, 12_000, 20_000,
            ] {
                let pg = audit_logs::PageSpec {
                    limit: 25,
                    offset,
                    ..Default::default()
                };
                let fast: Vec<String> =
                    audit_logs::page(&coderlite::store::sql::Tx::sqlite(&c), f, scope, &pg)
                        .expect("page")
                        .into_iter()
                        .map(|l| l.id)
                        .collect();
                assert_eq!(
                    fast,
                    walk(f, scope, offset),
                    "{f:?} {scope:?} offset {offset}"
                );
            }
        }
    }
    let deep = skip_days(
        &coderlite::store::sql::Tx::sqlite(&c),
        &AuditFilter::default(),
        &AuditScope::All,
        9_000,
    )
    .expect("skip");
    assert!(
        matches!(deep, Skip::To { offset, .. } if offset < 9_000),
        "{deep:?}"
    );
}

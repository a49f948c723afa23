//! Retention, import and seed of connection logs, and what they share: the check that the
//! trigger-kept counters equal the rows.

mod import;
mod retention;
mod seed;

use super::*;
use coderlite::store::sql::Tx;

fn one(conn: &Tx, sql: &str) -> i64 {
    conn.query_row(sql, coderlite::params![], |r| r.get(0))
        .expect(sql)
}

/// The trigger-kept day and key counters equal a fresh count of the table, group by group.
#[track_caller]
pub fn assert_counters_exact(conn: &Tx) {
    let fresh = "SELECT connect_time / 86400000000 \
                 - CASE WHEN connect_time < 0 AND connect_time % 86400000000 <> 0 THEN 1 ELSE 0 END, \
                 organization_id, type, state, count(*) FROM connection_logs GROUP BY 1, 2, 3, 4";
    let kept = "SELECT day, organization_id, type, state, n FROM connection_log_day_counts";
    let fresh_keys = "SELECT 'o:' || workspace_owner_id, type, state, count(*) FROM connection_logs GROUP BY 1, 2, 3 \
         UNION ALL SELECT 'w:' || workspace_id, type, state, count(*) FROM connection_logs GROUP BY 1, 2, 3 \
         UNION ALL SELECT 'u:' || user_id, type, state, count(*) FROM connection_logs WHERE user_id IS NOT NULL GROUP BY 1, 2, 3";
    let kept_keys = "SELECT key, type, state, n FROM connection_log_key_counts";
    for (a, b) in [
        (fresh, kept),
        (kept, fresh),
        (fresh_keys, kept_keys),
        (kept_keys, fresh_keys),
    ] {
        let diff = one(
            conn,
            &format!("SELECT count(*) FROM (SELECT * FROM ({a}) a EXCEPT SELECT * FROM ({b}) b) d"),
        );
        assert_eq!(diff, 0, "counters differ from the rows:\n{a}\nEXCEPT\n{b}");
    }
}

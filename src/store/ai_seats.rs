//! The AI-seat rule (v1, derived on the fly): a user holds a seat when they initiated an AI
//! Bridge interception, or own a non-deleted workspace with any build where `has_ai_task`.
//! Always evaluated as EXISTS subqueries inside the page's own SELECT, served by the indexes
//! `aibridge_interceptions_initiator`, `workspaces_owner_name_live` and the partial
//! `workspace_builds_ai_task`.

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;

/// SQL boolean expression (0/1) for "the user whose id is in column `user_id_col` holds a
/// seat". `user_id_col` is always a constant column reference written by coderlite.
/// Written as a CASE rather than `EXISTS .. OR EXISTS ..`: SQLite evaluates both subqueries
/// of the OR, while the CASE skips the (costlier, per-workspace) second one for initiators —
/// 13 ms instead of 22 ms for 1,000 audit rows on the benchmark dataset.
///
/// This is the form for a page's column: each row's own index look-ups. `LIMIT 1 OFFSET 0`
/// keeps PostgreSQL from turning an EXISTS into one hash of every AI-task workspace (which it
/// may do for as few as 50 rows: 2.5 ms where the look-ups take 0.7 ms); an EXISTS
/// subquery with an OFFSET is run as written. SQLite runs both forms alike.
pub fn has_ai_seat_sql(user_id_col: &str) -> String {
    seat_case(user_id_col, " LIMIT 1 OFFSET 0")
}

/// `has_ai_seat_sql` as a filter or count over many users, which PostgreSQL may answer by
/// hashing the sources once.
pub fn has_ai_seat_filter_sql(user_id_col: &str) -> String {
    seat_case(user_id_col, "")
}

fn seat_case(user_id_col: &str, fence: &str) -> String {
    format!(
        "(CASE WHEN EXISTS (SELECT 1 {}{fence}) THEN 1 WHEN EXISTS (SELECT 1 {}{fence}) THEN 1 \
         ELSE 0 END)",
        gateway_source_sql(user_id_col),
        task_source_sql(user_id_col)
    )
}

/// The AI Gateway source: `FROM .. WHERE ..` of the user's interceptions (alias `ai`, times
/// in `ai.started_at`). Shared with the seat report so the two cannot disagree.
pub fn gateway_source_sql(user_id_col: &str) -> String {
    format!("FROM aibridge_interceptions ai WHERE ai.initiator_id = {user_id_col}")
}

/// The AI-task source: `FROM .. WHERE ..` of the AI-task builds (alias `ab`, times in
/// `ab.created_at`) of the user's non-deleted workspaces. Shared with the seat report.
pub fn task_source_sql(user_id_col: &str) -> String {
    format!(
        "FROM workspaces aw JOIN workspace_builds ab \
         ON ab.workspace_id = aw.id AND ab.has_ai_task = 1 \
         WHERE aw.owner_id = {user_id_col} AND aw.deleted = 0"
    )
}

/// Active, non-deleted, non-system users holding a seat (`ai_governance_user_limit.actual`).
pub fn active_seat_count(conn: &Tx) -> DbResult<i64> {
    let sql = format!(
        "SELECT count(*) FROM users u WHERE u.status = 'active' AND u.deleted = 0 \
         AND u.is_system = 0 AND {} = 1",
        has_ai_seat_filter_sql("u.id")
    );
    conn.prepare_cached(&sql)?
        .query_row(params![], |r| r.get(0))
}

/// Active, non-deleted, non-system users (`user_limit.actual`, Coder's `GetActiveUserCount`).
pub fn active_user_count(conn: &Tx) -> DbResult<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM users WHERE status = 'active' AND deleted = 0 AND is_system = 0",
    )?
    .query_row(params![], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Tx, sql: &str) -> Vec<String> {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("explain");
        stmt.query_map(params![], |r| r.get::<String>(3))
            .expect("rows")
            .collect::<DbResult<Vec<_>>>()
            .expect("plan")
    }

    /// The seat EXISTS subqueries must be index look-ups, never scans of the source tables.
    #[test]
    fn seat_subqueries_use_indexes() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        crate::db::migrate::migrate(&mut conn).expect("schema");
        for sql in [
            format!(
                "SELECT u.id, {} FROM users u LIMIT 50",
                has_ai_seat_sql("u.id")
            ),
            format!(
                "SELECT count(*) FROM users u WHERE u.status = 'active' AND {}",
                has_ai_seat_filter_sql("u.id")
            ),
        ] {
            let steps = plan(&Tx::sqlite(&conn), &sql);
            let text = steps.join("\n");
            for table in ["aibridge_interceptions", "workspaces", "workspace_builds"] {
                assert!(
                    !steps.iter().any(|s| {
                        s.starts_with(&format!("SCAN {table}"))
                            || s.starts_with("SCAN ai")
                            || s.starts_with("SCAN aw")
                            || s.starts_with("SCAN ab")
                    }),
                    "{table} scanned:\n{text}"
                );
            }
            assert!(text.contains("aibridge_interceptions_initiator"), "{text}");
            assert!(text.contains("workspaces_owner_name_live"), "{text}");
            assert!(text.contains("workspace_builds_ai_task"), "{text}");
        }
    }
}

//! The AI-seat rule (v1, derived on the fly): a user holds a seat when they initiated an AI
//! Bridge interception, or own a non-deleted workspace with any build where `has_ai_task`.
//! Always evaluated as EXISTS subqueries inside the page's own SELECT, served by the indexes
//! `aibridge_interceptions_initiator`, `workspaces_owner_name_live` and the partial
//! `workspace_builds_ai_task`.

use rusqlite::Connection;

/// SQL boolean expression (0/1) for "the user whose id is in column `user_id_col` holds a
/// seat". `user_id_col` is always a constant column reference written by coderlite.
pub fn has_ai_seat_sql(user_id_col: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM aibridge_interceptions ai WHERE ai.initiator_id = {c}) \
         OR EXISTS (SELECT 1 FROM workspaces aw JOIN workspace_builds ab \
                    ON ab.workspace_id = aw.id AND ab.has_ai_task = 1 \
                    WHERE aw.owner_id = {c} AND aw.deleted = 0))",
        c = user_id_col
    )
}

/// Active, non-deleted, non-system users holding a seat (`ai_governance_user_limit.actual`).
pub fn active_seat_count(conn: &Connection) -> rusqlite::Result<i64> {
    let sql = format!(
        "SELECT count(*) FROM users u WHERE u.status = 'active' AND u.deleted = 0 \
         AND u.is_system = 0 AND {}",
        has_ai_seat_sql("u.id")
    );
    conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))
}

//! Connection-log writes as Coder's `BatchUpsertConnectionLogs` makes them: agent sessions
//! are one row per `(connection_id, workspace_id, agent_name)` (the earliest connect time
//! wins, the first disconnect is kept), coderd-recorded web events one row each; and
//! retention's batch delete.

use super::purge_pending::{self, Purged};
use crate::error::ApiResult;
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Tx;

/// The stored columns in Coder's order (`state` is generated); what bulk loads insert.
pub const COLUMNS: &[&str] = &[
    "id",
    "connect_time",
    "organization_id",
    "workspace_owner_id",
    "workspace_id",
    "workspace_name",
    "agent_name",
    "type",
    "code",
    "ip",
    "user_agent",
    "user_id",
    "slug_or_port",
    "connection_id",
    "disconnect_reason",
    "disconnect_time",
];

/// One connection event, resolved (organization, owner and name from its workspace).
#[derive(Debug, Clone, Default)]
pub struct ConnectionEvent {
    /// The row's id when this event creates it.
    pub id: String,
    pub connect_time: i64,
    pub organization_id: String,
    pub workspace_owner_id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub agent_name: String,
    pub kind: String,
    pub code: Option<i32>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub user_id: Option<String>,
    pub slug_or_port: Option<String>,
    pub connection_id: Option<String>,
    pub disconnect_reason: Option<String>,
    pub disconnect_time: Option<i64>,
}

/// Writes one event; returns the id of the row it created or updated.
pub fn upsert(conn: &Tx, e: &ConnectionEvent) -> DbResult<String> {
    conn.prepare_cached(
        "INSERT INTO connection_logs (id, connect_time, organization_id, workspace_owner_id, \
         workspace_id, workspace_name, agent_name, type, code, ip, user_agent, user_id, \
         slug_or_port, connection_id, disconnect_reason, disconnect_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
         ON CONFLICT (connection_id, workspace_id, agent_name) WHERE connection_id IS NOT NULL \
         DO UPDATE SET \
           connect_time = min(connection_logs.connect_time, excluded.connect_time), \
           code = COALESCE(connection_logs.code, excluded.code), \
           ip = COALESCE(connection_logs.ip, excluded.ip), \
           user_agent = COALESCE(connection_logs.user_agent, excluded.user_agent), \
           disconnect_reason = COALESCE(connection_logs.disconnect_reason, excluded.disconnect_reason), \
           disconnect_time = COALESCE(connection_logs.disconnect_time, excluded.disconnect_time) \
         RETURNING id",
    )?
    .query_row(
        params![
            e.id,
            e.connect_time,
            e.organization_id,
            e.workspace_owner_id,
            e.workspace_id,
            e.workspace_name,
            e.agent_name,
            e.kind,
            e.code,
            e.ip,
            e.user_agent,
            e.user_id,
            e.slug_or_port,
            e.connection_id,
            e.disconnect_reason,
            e.disconnect_time,
        ],
        |r| r.get(0),
    )
}

/// The upsert key `(connection_id, workspace_id, agent_name)` of the row with this id, if
/// one exists.
pub fn key_of(conn: &Tx, id: &str) -> DbResult<Option<(Option<String>, String, String)>> {
    conn.prepare_cached(
        "SELECT connection_id, workspace_id, agent_name FROM connection_logs WHERE id = ?1",
    )?
    .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

/// Summary of retention batches removed but not yet recorded (`purge_pending`).
pub const PURGE_PENDING_KEY: &str = "connection_log_purge_pending";

/// Deletes up to `limit` rows connected before `before`, oldest first (Coder's
/// `DeleteOldConnectionLogs`), and adds them to the pending purge summary; returns what it
/// removed. The count triggers keep `connection_log_day_counts` exact in the same statement.
pub fn delete_before(conn: &Tx, before: i64, limit: i64) -> ApiResult<Purged> {
    let mut done = Purged::default();
    {
        let mut stmt = conn.prepare_cached(
            "DELETE FROM connection_logs WHERE seq IN (SELECT seq FROM connection_logs \
             INDEXED BY connection_logs_time WHERE connect_time < ?1 ORDER BY connect_time LIMIT ?2) \
             RETURNING seq, connect_time",
        )?;
        let mut rows = stmt.query(params![before, limit])?;
        while let Some(r) = rows.next()? {
            done.merge(&Purged::one(r.get(0)?, r.get(1)?));
        }
    }
    purge_pending::add(conn, PURGE_PENDING_KEY, &done)?;
    Ok(done)
}

/// Rows connected before `before` (what retention has still to delete).
pub fn count_before(conn: &Tx, before: i64) -> DbResult<i64> {
    conn.prepare_cached("SELECT count(*) FROM connection_logs WHERE connect_time < ?1")?
        .query_row(params![before], |r| r.get(0))
}

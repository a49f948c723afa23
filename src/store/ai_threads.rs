//! One AI Gateway session's threads (Coder's `ListAIBridgeSessionThreads`): a page of thread
//! roots (completed interceptions of the session without a root, oldest first) and every
//! completed interception of those threads, in one statement.

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

/// One interception of a threads page, with the root it belongs to.
#[derive(Debug, Clone)]
pub struct ThreadInterception {
    pub thread_id: String,
    pub id: String,
    pub provider: String,
    pub model: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub credential_kind: String,
    pub credential_hint: String,
    pub agent_firewall_session_id: Option<String>,
    pub agent_firewall_sequence_number: Option<i64>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
}

/// The session id of an interception (any, in flight too), or None when there is none.
pub fn session_of(conn: &Tx, interception_id: &str) -> DbResult<Option<String>> {
    conn.prepare_cached("SELECT session_id FROM aibridge_interceptions WHERE id = ?1")?
        .query_row(params![interception_id], |r| r.get(0))
        .optional()
}

/// Which way a cursor pages: roots after it, or before it (both keep the oldest-first order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

const COLUMNS: &str = "ai.id, ai.provider, ai.model, ai.started_at, ai.ended_at, \
    ai.credential_kind, ai.credential_hint, ai.agent_firewall_session_id, \
    ai.agent_firewall_sequence_number, ai.error_type, ai.error_message";

fn from_row(r: &Row) -> DbResult<ThreadInterception> {
    Ok(ThreadInterception {
        thread_id: r.get(0)?,
        id: r.get(2)?,
        provider: r.get(3)?,
        model: r.get(4)?,
        started_at: r.get(5)?,
        ended_at: r.get(6)?,
        credential_kind: r.get(7)?,
        credential_hint: r.get(8)?,
        agent_firewall_session_id: r.get(9)?,
        agent_firewall_sequence_number: r.get(10)?,
        error_type: r.get(11)?,
        error_message: r.get(12)?,
    })
}

/// The interceptions of one page of `limit` threads, ordered by root (`started_at, id`), then
/// by their own `started_at, id`.
pub fn page(
    conn: &Tx,
    session_id: &str,
    cursor: Option<(Direction, &str)>,
    limit: i64,
) -> DbResult<Vec<ThreadInterception>> {
    let cond = match cursor {
        None => "",
        Some((Direction::After, _)) => {
            "AND (ai.started_at, ai.id) > \
             ((SELECT c.started_at FROM aibridge_interceptions c WHERE c.id = ?3), ?3)"
        }
        Some((Direction::Before, _)) => {
            "AND (ai.started_at, ai.id) < \
             ((SELECT c.started_at FROM aibridge_interceptions c WHERE c.id = ?3), ?3)"
        }
    };
    let sql = format!(
        "WITH roots AS (SELECT ai.id, ai.started_at FROM aibridge_interceptions ai \
           WHERE ai.session_id = ?1 AND ai.ended_at IS NOT NULL AND ai.thread_root_id IS NULL \
           {cond} ORDER BY ai.started_at, ai.id LIMIT ?2) \
         SELECT r.id, r.started_at, {COLUMNS} FROM roots r \
           JOIN aibridge_interceptions ai ON ai.id = r.id \
         UNION ALL \
         SELECT r.id, r.started_at, {COLUMNS} FROM roots r \
           JOIN aibridge_interceptions ai ON ai.thread_root_id = r.id \
           WHERE ai.session_id = ?1 AND ai.ended_at IS NOT NULL \
         ORDER BY 2, 1, 6, 3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let cursor_id = cursor.map(|(_, id)| id.to_string()).unwrap_or_default();
    let rows = if cursor.is_some() {
        stmt.query_map(params![session_id, limit, cursor_id], from_row)?
    } else {
        stmt.query_map(params![session_id, limit], from_row)?
    };
    rows.collect()
}

/// The metadata of every token usage of the session's completed interceptions (all
/// initiators) that carries any, for the session's metadata sums.
pub fn token_metadata(conn: &Tx, session_id: &str) -> DbResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tu.metadata FROM aibridge_interceptions ai \
         JOIN aibridge_token_usages tu ON tu.interception_id = ai.id \
         WHERE ai.session_id = ?1 AND ai.ended_at IS NOT NULL AND tu.metadata <> '{}'",
    )?;
    let rows = stmt.query_map(params![session_id], |r| r.get(0))?;
    rows.collect()
}

//! AI Gateway sessions: completed interceptions grouped by `(session_id, initiator_id)`, in
//! Coder's order (`last_active_at DESC, session_id DESC`). One statement per page: the page of
//! session keys first, then each page row's fields from its interceptions and usages.
//!
//! The page of keys comes from `aibridge_session_order` (kept by triggers) when the filters
//! only name the session's key (initiator, session id): its `last_active_at` is then the
//! session's own. Any filter on single interceptions (provider, model, client, times) changes
//! which interceptions count, so those pages group the matching interceptions instead.

use super::Params;
use crate::model::ai_gateway::{AIBridgeSession, TokenSums};
use crate::model::query::AISessionQuery;
use crate::model::MinimalUser;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Keyset position: the `last_active_at` and id of the session a page continues after.
#[derive(Debug, Clone)]
pub struct Cursor {
    pub last_active_at: i64,
    pub session_id: String,
}

/// Coder's cursor value for `after_session_id`: the newest prompt, else the first start, over
/// every completed interception with that session id (all initiators); None when unknown.
pub fn cursor(conn: &Connection, session_id: &str) -> rusqlite::Result<Option<Cursor>> {
    let at: Option<i64> = conn
        .prepare_cached(
            "SELECT COALESCE(max(max_prompt_at), min(min_started_at)) \
             FROM aibridge_session_order WHERE session_id = ?1",
        )?
        .query_row(params![session_id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(at.map(|last_active_at| Cursor {
        last_active_at,
        session_id: session_id.to_string(),
    }))
}

/// Conditions on `aibridge_session_order so` (key filters only).
fn order_where(q: &AISessionQuery, p: &mut Params) -> Vec<String> {
    let mut w = vec!["1 = 1".to_string()];
    if let Some(v) = &q.initiator_id {
        w.push(format!("so.initiator_id = {}", p.push(v.clone())));
    }
    if let Some(v) = &q.session_id {
        w.push(format!("so.session_id = {}", p.push(v.clone())));
    }
    w
}

/// Conditions on `aibridge_interceptions ai` (completed, every filter).
pub fn interception_where(q: &AISessionQuery, p: &mut Params) -> String {
    let mut w = vec!["ai.ended_at IS NOT NULL".to_string()];
    let mut eq = |col: &str, v: &Option<String>, p: &mut Params| {
        if let Some(v) = v {
            w.push(format!("{col} = {}", p.push(v.clone())));
        }
    };
    eq("ai.initiator_id", &q.initiator_id, p);
    eq("ai.provider", &q.provider, p);
    eq("ai.provider_name", &q.provider_name, p);
    eq("ai.model", &q.model, p);
    eq("COALESCE(ai.client, 'Unknown')", &q.client, p);
    eq("ai.session_id", &q.session_id, p);
    if let Some(v) = q.started_after {
        w.push(format!("ai.started_at >= {}", p.push(v)));
    }
    if let Some(v) = q.started_before {
        w.push(format!("ai.started_at <= {}", p.push(v)));
    }
    w.join(" AND ")
}

/// Sessions matching `q` (Coder's `CountAIBridgeSessions`: no cap).
pub fn count(conn: &Connection, q: &AISessionQuery) -> rusqlite::Result<i64> {
    let (sql, p) = count_sql(q);
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The statement of `count`; only values travel as parameters.
pub fn count_sql(q: &AISessionQuery) -> (String, Params) {
    let mut p = Params::default();
    let sql = if q.per_interception() {
        format!(
            "SELECT count(*) FROM (SELECT 1 FROM aibridge_interceptions ai WHERE {} \
             GROUP BY ai.session_id, ai.initiator_id)",
            interception_where(q, &mut p)
        )
    } else if q.initiator_id.is_none() && q.session_id.is_none() {
        "SELECT n FROM aibridge_session_total".to_string()
    } else {
        format!(
            "SELECT count(*) FROM aibridge_session_order so WHERE {}",
            order_where(q, &mut p).join(" AND ")
        )
    };
    (sql, p)
}

/// `agg`: the page's keys with `started_at`, `ended_at`, `threads`, `last_active_at`.
fn page_cte(
    q: &AISessionQuery,
    after: Option<&Cursor>,
    limit: i64,
    offset: i64,
    p: &mut Params,
) -> String {
    let order = "last_active_at DESC, session_id DESC, initiator_id DESC";
    if q.per_interception() {
        let w = interception_where(q, p);
        let having = match after {
            Some(c) => format!(
                "HAVING (last_active_at, ai.session_id) < ({}, {})",
                p.push(c.last_active_at),
                p.push(c.session_id.clone())
            ),
            None => String::new(),
        };
        let (lim, off) = (p.push(limit), p.push(offset));
        format!(
            "agg AS (SELECT ai.session_id AS session_id, ai.initiator_id AS initiator_id, \
             min(ai.started_at) AS started_at, max(ai.ended_at) AS ended_at, \
             sum(ai.thread_root_id IS NULL) AS threads, \
             COALESCE(max(ai.last_prompt_at), min(ai.started_at)) AS last_active_at \
             FROM aibridge_interceptions ai WHERE {w} \
             GROUP BY ai.session_id, ai.initiator_id {having} \
             ORDER BY {order} LIMIT {lim} OFFSET {off})"
        )
    } else {
        let mut w = order_where(q, p);
        if let Some(c) = after {
            w.push(format!(
                "(so.last_active_at, so.session_id) < ({}, {})",
                p.push(c.last_active_at),
                p.push(c.session_id.clone())
            ));
        }
        let (lim, off) = (p.push(limit), p.push(offset));
        format!(
            "keys AS (SELECT so.session_id, so.initiator_id, so.last_active_at \
             FROM aibridge_session_order so WHERE {} ORDER BY {order} LIMIT {lim} OFFSET {off}), \
             agg AS (SELECT k.session_id AS session_id, k.initiator_id AS initiator_id, \
             min(ai.started_at) AS started_at, max(ai.ended_at) AS ended_at, \
             sum(ai.thread_root_id IS NULL) AS threads, k.last_active_at AS last_active_at \
             FROM keys k JOIN aibridge_interceptions ai ON ai.session_id = k.session_id \
             AND ai.initiator_id = k.initiator_id AND ai.ended_at IS NOT NULL \
             GROUP BY k.session_id, k.initiator_id)",
            w.join(" AND ")
        )
    }
}

/// The session's completed interceptions, alias `s`, for the page row `a`.
const SAME_SESSION: &str =
    "s.session_id = a.session_id AND s.initiator_id = a.initiator_id AND s.ended_at IS NOT NULL";

/// One page of sessions, newest activity first; `after` continues after a cursor.
pub fn list(
    conn: &Connection,
    q: &AISessionQuery,
    after: Option<&Cursor>,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<AIBridgeSession>> {
    let (sql, p) = list_sql(q, after, limit, offset);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), from_row)?;
    rows.collect()
}

/// The statement of `list`; only values travel as parameters.
pub fn list_sql(
    q: &AISessionQuery,
    after: Option<&Cursor>,
    limit: i64,
    offset: i64,
) -> (String, Params) {
    let mut p = Params::default();
    let cte = page_cte(q, after, limit, offset, &mut p);
    let sql = format!(
        "WITH {cte} \
         SELECT a.session_id, u.id, u.username, u.name, u.avatar_url, a.started_at, a.ended_at, \
         a.threads, a.last_active_at, \
         (SELECT json_group_array(DISTINCT s.provider) FROM aibridge_interceptions s \
          WHERE {SAME_SESSION}), \
         (SELECT json_group_array(DISTINCT s.model) FROM aibridge_interceptions s \
          WHERE {SAME_SESSION}), \
         (SELECT s.client FROM aibridge_interceptions s WHERE {SAME_SESSION} \
          ORDER BY s.started_at, s.id LIMIT 1), \
         (SELECT s.metadata FROM aibridge_interceptions s WHERE {SAME_SESSION} \
          ORDER BY s.started_at, s.id LIMIT 1), \
         (SELECT json_array(COALESCE(sum(tu.input_tokens), 0), COALESCE(sum(tu.output_tokens), 0), \
                 COALESCE(sum(tu.cache_read_input_tokens), 0), \
                 COALESCE(sum(tu.cache_write_input_tokens), 0)) \
          FROM aibridge_interceptions s JOIN aibridge_token_usages tu ON tu.interception_id = s.id \
          WHERE {SAME_SESSION}), \
         (SELECT up.prompt FROM aibridge_interceptions s \
          JOIN aibridge_user_prompts up ON up.interception_id = s.id WHERE {SAME_SESSION} \
          ORDER BY up.created_at DESC, up.id DESC LIMIT 1) \
         FROM agg a JOIN users u ON u.id = a.initiator_id \
         ORDER BY a.last_active_at DESC, a.session_id DESC, a.initiator_id DESC"
    );
    (sql, p)
}

/// A JSON array of strings from SQL, sorted (Coder's `ARRAY_AGG(DISTINCT .. ORDER BY ..)`).
fn sorted_strings(text: Option<String>) -> Vec<String> {
    let mut v: Vec<String> = text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    v.sort();
    v.dedup();
    v
}

/// Four token sums from a JSON array.
pub fn token_sums(text: Option<String>) -> TokenSums {
    let v: Vec<i64> = text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    TokenSums {
        input_tokens: at(0),
        output_tokens: at(1),
        cache_read_input_tokens: at(2),
        cache_write_input_tokens: at(3),
    }
}

fn from_row(r: &Row) -> rusqlite::Result<AIBridgeSession> {
    let metadata: Option<String> = r.get(12)?;
    let client: Option<String> = r.get(11)?;
    let last_prompt: Option<String> = r.get(14)?;
    Ok(AIBridgeSession {
        id: r.get(0)?,
        initiator: MinimalUser {
            id: r.get(1)?,
            username: r.get(2)?,
            name: r.get(3)?,
            avatar_url: r.get(4)?,
        },
        providers: sorted_strings(r.get(9)?),
        models: sorted_strings(r.get(10)?),
        client: client.filter(|c| !c.is_empty()),
        metadata: crate::model::aibridge::metadata_value(metadata.as_deref()),
        started_at: r.get(5)?,
        ended_at: r.get(6)?,
        threads: r.get(7)?,
        token_usage_summary: token_sums(r.get(13)?),
        last_prompt: last_prompt.filter(|p| !p.is_empty()),
        last_active_at: r.get(8)?,
    })
}

/// Recomputes what the prompt and interception triggers keep (each interception's newest
/// prompt, the session order and its total) from the rows, after bulk loads, which insert
/// with those triggers off.
pub fn rebuild_order(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "UPDATE aibridge_interceptions SET last_prompt_at = pm.at
         FROM (SELECT interception_id, max(created_at) AS at FROM aibridge_user_prompts
               GROUP BY interception_id) pm
         WHERE pm.interception_id = aibridge_interceptions.id;
         DELETE FROM aibridge_session_order;
         INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_prompt_at)
         SELECT session_id, initiator_id, min(started_at), max(last_prompt_at)
         FROM aibridge_interceptions WHERE ended_at IS NOT NULL
         GROUP BY session_id, initiator_id;
         UPDATE aibridge_session_total SET n = (SELECT count(*) FROM aibridge_session_order);",
    )
}

//! AI Gateway sessions: completed interceptions grouped by `(session_id, initiator_id)`, in
//! Coder's order (`last_active_at DESC, session_id DESC`). One statement per page.
//!
//! The rows come kept by triggers: `aibridge_session_order` (one per session, all a page
//! shows) and `aibridge_session_facets` (a session's times per value of every set of the
//! provider, provider name, model and client filters). Value filters read their set's rows;
//! a time range takes the kept rows of sessions that lie inside it and groups the matching
//! interceptions of those crossing its edges that could still rank on the page.

use super::Params;
use crate::model::ai_gateway::{AIBridgeSession, TokenSums};
use crate::model::query::AISessionQuery;
use crate::model::MinimalUser;
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

/// Keyset position: the `last_active_at` and id of the session a page continues after.
#[derive(Debug, Clone)]
pub struct Cursor {
    pub last_active_at: i64,
    pub session_id: String,
}

/// Coder's cursor value for `after_session_id`: the newest prompt, else the first start, over
/// every completed interception with that session id (all initiators); None when unknown.
pub fn cursor(conn: &Tx, session_id: &str) -> DbResult<Option<Cursor>> {
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

/// Where a page's sessions and their times come from: `aibridge_session_order`, or without
/// value filters, `aibridge_session_facets` for the set of those given (its bits: provider
/// 1, provider_name 2, model 4, client 8) with their values in bit order.
struct Source(Option<(u8, Vec<String>)>);

fn source(q: &AISessionQuery) -> Source {
    let mut mask = 0;
    let mut values = Vec::new();
    for (bit, v) in [
        (1, &q.provider),
        (2, &q.provider_name),
        (4, &q.model),
        (8, &q.client),
    ] {
        if let Some(v) = v {
            mask |= bit;
            values.push(v.clone());
        }
    }
    Source((mask != 0).then_some((mask, values)))
}

/// The kept rows `b` of a source, with the conditions of the value set and the session's
/// key. A set's values are numbered in `aibridge_session_facet_values`, spelled there as
/// its SQL spells them (each `json_quote`d and followed by a comma).
fn base(src: &Source, q: &AISessionQuery, p: &mut Params) -> (&'static str, Vec<String>) {
    let mut w = Vec::new();
    let table = match &src.0 {
        Some((mask, values)) => {
            let spelled: Vec<String> = values
                .iter()
                .map(|v| format!("json_quote({}) || ','", p.push(v.clone())))
                .collect();
            w.push(format!(
                "b.value_id = (SELECT id FROM aibridge_session_facet_values \
                 WHERE mask = {mask} AND value = {})",
                spelled.join(" || ")
            ));
            "aibridge_session_facets"
        }
        None => "aibridge_session_order",
    };
    w.extend(p.eq("b.initiator_id", &q.initiator_id));
    w.extend(p.eq("b.session_id", &q.session_id));
    if w.is_empty() {
        w.push("1 = 1".into());
    }
    (table, w)
}

/// Conditions on `aibridge_interceptions ai` (completed, every filter).
fn interception_where(q: &AISessionQuery, p: &mut Params) -> String {
    let mut w = vec!["ai.ended_at IS NOT NULL".to_string()];
    let mut eq = |col: &str, v: &Option<String>, p: &mut Params| w.extend(p.eq(col, v));
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

/// The matching interceptions of each session grouped: its page fields.
const GROUPED: &str = "ai.session_id AS session_id, ai.initiator_id AS initiator_id, \
     min(ai.started_at) AS started_at, max(ai.ended_at) AS ended_at, \
     sum(ai.thread_root_id IS NULL) AS threads, \
     COALESCE(max(ai.last_prompt_at), min(ai.started_at)) AS last_active_at";

/// A time range over the kept rows `b`: `overlap` holds for every session with a start on
/// the range's side of each edge, `inside` for those all of whose starts lie inside (their
/// kept times are the answer); the few others cross an edge and are grouped from their
/// matching interceptions. `both` when the range has two edges (a session crossing both may
/// have no start inside).
struct Range {
    overlap: String,
    inside: String,
    both: bool,
}

fn range(q: &AISessionQuery, p: &mut Params) -> Option<Range> {
    let (mut overlap, mut inside) = (Vec::new(), Vec::new());
    if let Some(a) = q.started_after {
        let a = p.push(a);
        overlap.push(format!("b.max_started_at >= {a}"));
        inside.push(format!("b.min_started_at >= {a}"));
    }
    if let Some(b) = q.started_before {
        let b = p.push(b);
        overlap.push(format!("b.min_started_at <= {b}"));
        inside.push(format!("b.max_started_at <= {b}"));
    }
    (!inside.is_empty()).then(|| Range {
        both: inside.len() == 2,
        overlap: overlap.join(" AND "),
        inside: inside.join(" AND "),
    })
}

/// The kept rows' page fields but `last_active_at`: a page in the kept rows' order reads the
/// generated column (its index orders the page), a time range's `COALESCE` of the columns
/// its time indexes cover.
const KEPT: &str = "b.session_id AS session_id, b.initiator_id AS initiator_id, \
     b.min_started_at AS started_at, b.max_ended_at AS ended_at, b.threads AS threads";

/// The order of a page (on the names of `KEPT` and `GROUPED`).
const ORDER: &str = "last_active_at DESC, session_id DESC, initiator_id DESC";

/// Sessions matching `q` (Coder's `CountAIBridgeSessions`: no cap).
pub fn count(conn: &Tx, q: &AISessionQuery) -> DbResult<i64> {
    let (sql, p) = count_sql(q);
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The statement of `count`; only values travel as parameters. A time range with one edge
/// counts the kept rows on its side of it (each has a start inside); with two edges, a
/// session crossing both counts when one of its matching interceptions starts inside.
pub fn count_sql(q: &AISessionQuery) -> (String, Params) {
    let mut p = Params::default();
    let src = source(q);
    let timed = q.started_after.is_some() || q.started_before.is_some();
    if src.0.is_none() && q.initiator_id.is_none() && q.session_id.is_none() && !timed {
        return ("SELECT n FROM aibridge_session_total".to_string(), p);
    }
    let (table, mut w) = base(&src, q, &mut p);
    if let Some(r) = range(q, &mut p) {
        w.push(r.overlap);
        if r.both {
            let each = interception_where(q, &mut p);
            w.push(format!(
                "({} OR EXISTS (SELECT 1 FROM aibridge_interceptions ai \
                 WHERE ai.session_id = b.session_id AND ai.initiator_id = b.initiator_id \
                 AND {each}))",
                r.inside
            ));
        }
    }
    let sql = format!("SELECT count(*) FROM {table} b WHERE {}", w.join(" AND "));
    (sql, p)
}

/// `page`: the page's keys with `started_at`, `ended_at`, `threads`, `last_active_at`.
fn page_cte(
    q: &AISessionQuery,
    after: Option<&Cursor>,
    limit: i64,
    offset: i64,
    p: &mut Params,
) -> String {
    let src = source(q);
    let cursor = |col: &str, p: &mut Params| match after {
        Some(c) => format!(
            " AND ({col}last_active_at, {col}session_id) < ({}, {})",
            p.push(c.last_active_at),
            p.push(c.session_id.clone())
        ),
        None => String::new(),
    };
    let (table, w) = base(&src, q, p);
    let w = w.join(" AND ");
    if let Some(r) = range(q, p) {
        // `top`: the first `limit + offset` sessions lying inside the range, from their kept
        // rows. A session crossing an edge is grouped only when it could still rank among
        // them: its activity over the matching interceptions is at most its newest prompt
        // or last start, so one whose bound is below the last of `top` is passed over.
        let inside_after = cursor("b.", p);
        let k = p.push(limit + offset);
        let each = interception_where(q, p);
        let after = cursor("", p);
        let (lim, off) = (p.push(limit), p.push(offset));
        let (overlap, inside) = (r.overlap, r.inside);
        return format!(
            "top AS MATERIALIZED (SELECT {KEPT}, \
             COALESCE(b.max_prompt_at, b.min_started_at) AS last_active_at \
             FROM {table} b WHERE {w} AND {inside}\
             {inside_after} ORDER BY {ORDER} LIMIT {k}), \
             agg AS (SELECT * FROM top UNION ALL SELECT {GROUPED} FROM {table} b \
             CROSS JOIN aibridge_interceptions ai ON ai.session_id = b.session_id \
             AND ai.initiator_id = b.initiator_id AND {each} \
             WHERE {w} AND {overlap} AND NOT ({inside}) \
             AND max(COALESCE(b.max_prompt_at, b.max_started_at), b.max_started_at) >= \
             (SELECT CASE WHEN count(*) < {k} THEN {} ELSE min(last_active_at) END FROM top) \
             GROUP BY ai.session_id, ai.initiator_id), \
             page AS (SELECT * FROM agg WHERE 1 = 1{after} ORDER BY {ORDER} \
             LIMIT {lim} OFFSET {off})",
            i64::MIN
        );
    }
    // The kept rows in their index's order.
    let after = cursor("b.", p);
    let (lim, off) = (p.push(limit), p.push(offset));
    format!(
        "page AS (SELECT {KEPT}, b.last_active_at AS last_active_at \
         FROM {table} b WHERE {w}{after} \
         ORDER BY b.last_active_at DESC, b.session_id DESC, b.initiator_id DESC \
         LIMIT {lim} OFFSET {off})"
    )
}

/// One page of sessions, newest activity first; `after` continues after a cursor.
pub fn list(
    conn: &Tx,
    q: &AISessionQuery,
    after: Option<&Cursor>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<AIBridgeSession>> {
    let (sql, p) = list_sql(q, after, limit, offset);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), from_row)?;
    rows.collect()
}

/// The statement of `list`; only values travel as parameters. What a page shows of the
/// whole session (providers, models, client, metadata, tokens, last prompt) is kept in
/// `aibridge_session_order`.
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
         a.threads, a.last_active_at, so.providers, so.models, so.client, so.metadata, \
         so.token_sums, so.last_prompt \
         FROM page a JOIN aibridge_session_order so ON so.session_id = a.session_id \
         AND so.initiator_id = a.initiator_id JOIN users u ON u.id = a.initiator_id \
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

fn from_row(r: &Row) -> DbResult<AIBridgeSession> {
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

/// Recomputes what the session triggers keep (each interception's newest prompt, the
/// sessions' rows and facets, their total) from the rows, after bulk loads, which insert
/// with those triggers off.
pub fn rebuild_order(conn: &Tx) -> DbResult<()> {
    conn.execute_batch(
        "UPDATE aibridge_interceptions SET last_prompt_at = pm.at
         FROM (SELECT interception_id, max(created_at) AS at FROM aibridge_user_prompts
               GROUP BY interception_id) pm
         WHERE pm.interception_id = aibridge_interceptions.id;
         DELETE FROM aibridge_session_order;
         INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at,
             max_started_at, max_ended_at, threads, max_prompt_at, providers, models, client,
             metadata, token_sums, last_prompt)
         SELECT * FROM aibridge_session_order_rollup;
         DELETE FROM aibridge_session_facets;
         INSERT INTO aibridge_session_facet_values (mask, value)
         SELECT DISTINCT mask, value FROM aibridge_interception_facets WHERE true
         ON CONFLICT DO NOTHING;
         INSERT INTO aibridge_session_facets (value_id, session_id, initiator_id,
             min_started_at, max_started_at, max_ended_at, threads, max_prompt_at)
         SELECT * FROM aibridge_session_facet_rollup;
         UPDATE aibridge_session_total SET n = (SELECT count(*) FROM aibridge_session_order);",
    )
}

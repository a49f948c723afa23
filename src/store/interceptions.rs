//! AI Bridge interceptions: insert and the filtered, keyset-paged list of the older
//! `GET /aibridge/interceptions` (newest first), with the initiator joined in the same
//! statement.

use super::Params;
use crate::model::aibridge::AIBridgeInterception;
use crate::model::MinimalUser;
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

pub struct NewInterception {
    pub id: String,
    pub initiator_id: String,
    pub provider: String,
    pub provider_name: String,
    pub model: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// A JSON object as text, or None.
    pub metadata: Option<String>,
    pub api_key_id: Option<String>,
    pub client: Option<String>,
    pub client_session_id: Option<String>,
    pub thread_parent_id: Option<String>,
    pub thread_root_id: Option<String>,
    pub credential_kind: String,
    pub credential_hint: String,
    pub agent_firewall_session_id: Option<String>,
    pub agent_firewall_sequence_number: Option<i64>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
}

pub fn insert(conn: &Tx, i: &NewInterception) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, model, \
         started_at, ended_at, metadata, api_key_id, client, client_session_id, \
         thread_parent_id, thread_root_id, credential_kind, credential_hint, \
         agent_firewall_session_id, agent_firewall_sequence_number, error_type, error_message) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19)",
    )?
    .execute(params![
        i.id,
        i.initiator_id,
        i.provider,
        i.provider_name,
        i.model,
        i.started_at,
        i.ended_at,
        i.metadata,
        i.api_key_id,
        i.client,
        i.client_session_id,
        i.thread_parent_id,
        i.thread_root_id,
        i.credential_kind,
        i.credential_hint,
        i.agent_firewall_session_id,
        i.agent_firewall_sequence_number,
        i.error_type,
        i.error_message
    ])?;
    Ok(())
}

/// Whether an interception with this id exists (and, when `initiator` is given, belongs to it).
pub fn exists(conn: &Tx, id: &str, initiator: Option<&str>) -> DbResult<bool> {
    let found: Option<String> = conn
        .prepare_cached("SELECT initiator_id FROM aibridge_interceptions WHERE id = ?1")?
        .query_row(params![id], |r| r.get(0))
        .optional()?;
    Ok(match (found, initiator) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(owner), Some(want)) => owner == want,
    })
}

#[derive(Debug, Default)]
pub struct Filter {
    pub initiator_id: Option<String>,
    /// Permission: only this initiator's rows (callers that may not read all).
    pub visible_to: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub client: Option<String>,
    pub started_after: Option<i64>,
    pub started_before: Option<i64>,
}

impl Filter {
    /// The filter of a parsed `q`, with its `initiator:` already resolved to a user id and the
    /// caller's permission restriction.
    pub fn from_query(
        q: crate::model::query::InterceptionQuery,
        initiator_id: Option<String>,
        visible_to: Option<String>,
    ) -> Filter {
        Filter {
            initiator_id,
            visible_to,
            provider: q.provider,
            model: q.model,
            client: q.client,
            started_after: q.started_after,
            started_before: q.started_before,
        }
    }
}

/// The WHERE clause (no `WHERE`) of `count`/`list`; only values travel as parameters.
pub fn where_sql(f: &Filter, p: &mut Params) -> String {
    let mut w = vec!["1 = 1".to_string()];
    if let Some(v) = &f.initiator_id {
        w.push(format!("ai.initiator_id = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.visible_to {
        w.push(format!("ai.initiator_id = {}", p.push(v.clone())));
    }
    // Queries arrive lower-cased (Coder's searchTerms), so compare case-insensitively.
    if let Some(v) = &f.provider {
        w.push(format!("lower(ai.provider) = lower({})", p.push(v.clone())));
    }
    if let Some(v) = &f.model {
        w.push(format!("lower(ai.model) = lower({})", p.push(v.clone())));
    }
    if let Some(v) = &f.client {
        w.push(format!(
            "lower(COALESCE(ai.client, 'Unknown')) = lower({})",
            p.push(v.clone())
        ));
    }
    if let Some(v) = f.started_after {
        w.push(format!("ai.started_at >= {}", p.push(v)));
    }
    if let Some(v) = f.started_before {
        w.push(format!("ai.started_at <= {}", p.push(v)));
    }
    w.join(" AND ")
}

pub fn count(conn: &Tx, f: &Filter) -> DbResult<i64> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT count(*) FROM aibridge_interceptions ai WHERE {}",
        where_sql(f, &mut p)
    );
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

const COLUMNS: &str = "ai.id, ai.api_key_id, ai.initiator_id, u.username, u.name, u.avatar_url, \
    ai.provider, ai.model, ai.client, ai.metadata, ai.started_at, ai.ended_at, ai.provider_name";

fn from_row(r: &Row) -> DbResult<AIBridgeInterception> {
    let metadata: Option<String> = r.get(9)?;
    Ok(AIBridgeInterception {
        id: r.get(0)?,
        api_key_id: r.get(1)?,
        initiator: MinimalUser {
            id: r.get(2)?,
            username: r.get(3)?,
            name: r.get(4)?,
            avatar_url: r.get(5)?,
        },
        provider: r.get(6)?,
        provider_name: r.get(12)?,
        model: r.get(7)?,
        client: r.get(8)?,
        metadata: crate::model::aibridge::metadata_value(metadata.as_deref()),
        started_at: r.get(10)?,
        ended_at: r.get(11)?,
        token_usages: Vec::new(),
        user_prompts: Vec::new(),
        tool_usages: Vec::new(),
    })
}

/// One page, newest first (`started_at DESC, id DESC`); `after_id` continues after that row.
pub fn list(
    conn: &Tx,
    f: &Filter,
    after_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<AIBridgeInterception>> {
    let mut p = Params::default();
    let mut w = where_sql(f, &mut p);
    if let Some(a) = after_id {
        let ph = p.push(a.to_string());
        w.push_str(&format!(
            " AND (ai.started_at, ai.id) < ((SELECT started_at FROM aibridge_interceptions WHERE id = {ph}), {ph})"
        ));
    }
    let lim = p.push(limit);
    let off = p.push(offset);
    let sql = format!(
        "SELECT {COLUMNS} FROM aibridge_interceptions ai JOIN users u ON u.id = ai.initiator_id \
         WHERE {w} ORDER BY ai.started_at DESC, ai.id DESC LIMIT {lim} OFFSET {off}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), from_row)?;
    rows.collect()
}

/// Minimal users by id (for echoing created interceptions), including deleted users.
pub fn minimal_user(conn: &Tx, id: &str) -> DbResult<Option<MinimalUser>> {
    conn.prepare_cached("SELECT id, username, name, avatar_url FROM users WHERE id = ?1")?
        .query_row(params![id], |r| {
            Ok(MinimalUser {
                id: r.get(0)?,
                username: r.get(1)?,
                name: r.get(2)?,
                avatar_url: r.get(3)?,
            })
        })
        .optional()
}

//! What an interception recorded: token usages, user prompts, tool usages and model thoughts
//! (Coder's `aibridge_*` child tables, no foreign keys). Inserts for the fixtures, and reads by
//! a list of interception ids, one statement per table whatever the list's length.

use crate::model::aibridge::{AIBridgeTokenUsage, AIBridgeToolUsage, AIBridgeUserPrompt};
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::Row;
use crate::store::sql::Tx;

/// A tool usage as stored (Coder's columns; the API shows fewer).
#[derive(Debug, Clone)]
pub struct NewToolUsage {
    pub id: String,
    pub interception_id: String,
    pub provider_response_id: String,
    pub provider_tool_call_id: Option<String>,
    pub provider_item_id: Option<String>,
    pub tool: String,
    pub server_url: Option<String>,
    pub input: String,
    pub injected: bool,
    pub invocation_error: Option<String>,
    /// A JSON object as text.
    pub metadata: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewModelThought {
    pub interception_id: String,
    pub content: String,
    pub metadata: String,
    pub created_at: i64,
}

pub fn insert_token_usage(conn: &Tx, t: &AIBridgeTokenUsage) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO aibridge_token_usages (id, interception_id, provider_response_id, \
         input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, \
         metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        t.id,
        t.interception_id,
        t.provider_response_id,
        t.input_tokens,
        t.output_tokens,
        t.cache_read_input_tokens,
        t.cache_write_input_tokens,
        t.metadata.to_string(),
        t.created_at
    ])?;
    Ok(())
}

pub fn insert_user_prompt(conn: &Tx, p: &AIBridgeUserPrompt) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO aibridge_user_prompts (id, interception_id, provider_response_id, prompt, \
         metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        p.id,
        p.interception_id,
        p.provider_response_id,
        p.prompt,
        p.metadata.to_string(),
        p.created_at
    ])?;
    Ok(())
}

pub fn insert_tool_usage(conn: &Tx, t: &NewToolUsage) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO aibridge_tool_usages (id, interception_id, provider_response_id, \
         provider_tool_call_id, provider_item_id, tool, server_url, input, injected, \
         invocation_error, metadata, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        t.id,
        t.interception_id,
        t.provider_response_id,
        t.provider_tool_call_id,
        t.provider_item_id,
        t.tool,
        t.server_url,
        t.input,
        t.injected,
        t.invocation_error,
        t.metadata,
        t.created_at
    ])?;
    Ok(())
}

pub fn insert_model_thought(conn: &Tx, t: &NewModelThought) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO aibridge_model_thoughts (interception_id, content, metadata, created_at) \
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        t.interception_id,
        t.content,
        t.metadata,
        t.created_at
    ])?;
    Ok(())
}

/// The child tables that have ids (for the fixtures' "already exists" check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Child {
    TokenUsage,
    UserPrompt,
    ToolUsage,
}

impl Child {
    fn table(self) -> &'static str {
        match self {
            Child::TokenUsage => "aibridge_token_usages",
            Child::UserPrompt => "aibridge_user_prompts",
            Child::ToolUsage => "aibridge_tool_usages",
        }
    }
}

/// Which of `ids` already exist in the child table.
pub fn existing_ids(conn: &Tx, child: Child, ids: &[String]) -> DbResult<Vec<String>> {
    let sql = format!(
        "SELECT id FROM {} WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        child.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id_list(ids)], |r| r.get(0))?;
    rows.collect()
}

fn id_list(ids: &[String]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

fn metadata(r: &Row, i: usize) -> DbResult<serde_json::Value> {
    let text: Option<String> = r.get(i)?;
    Ok(crate::model::aibridge::metadata_value(text.as_deref()))
}

/// Token usages of the interceptions, `created_at, id` order.
pub fn token_usages_of(conn: &Tx, ids: &[String]) -> DbResult<Vec<AIBridgeTokenUsage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, interception_id, provider_response_id, input_tokens, output_tokens, \
         cache_read_input_tokens, cache_write_input_tokens, metadata, created_at \
         FROM aibridge_token_usages WHERE interception_id IN (SELECT value FROM json_each(?1)) \
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map(params![id_list(ids)], |r| {
        Ok(AIBridgeTokenUsage {
            id: r.get(0)?,
            interception_id: r.get(1)?,
            provider_response_id: r.get(2)?,
            input_tokens: r.get(3)?,
            output_tokens: r.get(4)?,
            cache_read_input_tokens: r.get(5)?,
            cache_write_input_tokens: r.get(6)?,
            metadata: metadata(r, 7)?,
            created_at: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// User prompts of the interceptions, `created_at, id` order.
pub fn user_prompts_of(conn: &Tx, ids: &[String]) -> DbResult<Vec<AIBridgeUserPrompt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, interception_id, provider_response_id, prompt, metadata, created_at \
         FROM aibridge_user_prompts WHERE interception_id IN (SELECT value FROM json_each(?1)) \
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map(params![id_list(ids)], |r| {
        Ok(AIBridgeUserPrompt {
            id: r.get(0)?,
            interception_id: r.get(1)?,
            provider_response_id: r.get(2)?,
            prompt: r.get(3)?,
            metadata: metadata(r, 4)?,
            created_at: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Tool usages of the interceptions, `created_at, id` order.
pub fn tool_usages_of(conn: &Tx, ids: &[String]) -> DbResult<Vec<AIBridgeToolUsage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, interception_id, provider_response_id, COALESCE(server_url, ''), tool, \
         input, injected, COALESCE(invocation_error, ''), metadata, created_at \
         FROM aibridge_tool_usages WHERE interception_id IN (SELECT value FROM json_each(?1)) \
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map(params![id_list(ids)], |r| {
        Ok(AIBridgeToolUsage {
            id: r.get(0)?,
            interception_id: r.get(1)?,
            provider_response_id: r.get(2)?,
            server_url: r.get(3)?,
            tool: r.get(4)?,
            input: r.get(5)?,
            injected: r.get(6)?,
            invocation_error: r.get(7)?,
            metadata: metadata(r, 8)?,
            created_at: r.get(9)?,
        })
    })?;
    rows.collect()
}

/// Model thoughts of the interceptions as (interception id, content), `created_at` order.
pub fn model_thoughts_of(conn: &Tx, ids: &[String]) -> DbResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT interception_id, content FROM aibridge_model_thoughts \
         WHERE interception_id IN (SELECT value FROM json_each(?1)) ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map(params![id_list(ids)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Fills each interception's token usages, user prompts and tool usages (three statements).
pub fn attach(
    conn: &Tx,
    items: &mut [crate::model::aibridge::AIBridgeInterception],
) -> DbResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let pos: std::collections::HashMap<String, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    for t in token_usages_of(conn, &ids)? {
        if let Some(&i) = pos.get(&t.interception_id) {
            items[i].token_usages.push(t);
        }
    }
    for p in user_prompts_of(conn, &ids)? {
        if let Some(&i) = pos.get(&p.interception_id) {
            items[i].user_prompts.push(p);
        }
    }
    for t in tool_usages_of(conn, &ids)? {
        if let Some(&i) = pos.get(&t.interception_id) {
            items[i].tool_usages.push(t);
        }
    }
    Ok(())
}

//! `GET /ai-gateway/sessions/{session_id}`: one session's header and a page of its threads
//! (Coder's `aiBridgeGetSessionThreads`). `limit` 1–200 (default 50), `after_id` xor
//! `before_id` (thread cursors of this session; both keep the oldest-first order). The header
//! is the sessions list's row for the id; the threads and the session's token metadata take
//! every completed interception with that session id, whoever initiated it, as Coder's do.

use super::ai_thread_assembly::{self as assembly, Recorded};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::ai_gateway::{AIBridgeSessionThreadsResponse, TokenUsage};
use crate::model::query::AISessionQuery;
use crate::search::query_string;
use crate::state::AppState;
use crate::store::sql::Tx;
use crate::store::{self, ai_sessions, ai_threads, interception_usages as usages};
use actix_web::{web, HttpRequest, HttpResponse};
use ai_threads::Direction;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// `GET /ai-gateway/sessions/` (an empty id).
pub async fn missing_id(_caller: Caller) -> ApiResult<HttpResponse> {
    Err(ApiError::bad_request("Missing session_id path parameter."))
}

/// A cursor parameter as Go's `uuid.Parse` reads it; the nil UUID means none.
fn cursor_param(pairs: &[(String, String)], key: &str) -> ApiResult<Option<String>> {
    let v = crate::search::query_string::value(pairs, key);
    if v.is_empty() {
        return Ok(None);
    }
    match uuid::Uuid::parse_str(v) {
        Ok(u) if u.is_nil() => Ok(None),
        Ok(u) => Ok(Some(u.hyphenated().to_string())),
        Err(_) => {
            let detail = if matches!(v.len(), 32 | 36 | 38 | 45) {
                "invalid UUID format".to_string()
            } else {
                format!("invalid UUID length: {}", v.len())
            };
            Err(ApiError::bad_request(format!("Invalid {key} query parameter.")).detail(detail))
        }
    }
}

fn limit_param(pairs: &[(String, String)]) -> ApiResult<i64> {
    let v = crate::search::query_string::value(pairs, "limit");
    if v.is_empty() {
        return Ok(DEFAULT_LIMIT);
    }
    match v.parse::<i32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&i64::from(n)) => Ok(i64::from(n)),
        _ => Err(ApiError::bad_request("Invalid limit query parameter.")
            .detail(format!("Limit must be between 1 and {MAX_LIMIT}."))),
    }
}

/// Coder's `validateInterceptionCursor`.
fn check_cursor(conn: &Tx, name: &str, id: &str, session_id: &str) -> ApiResult<()> {
    let invalid = |why: String| {
        ApiError::bad_request("Invalid pagination cursor.").detail(format!(
            "{name}: interception {id} {why}: invalid pagination cursor"
        ))
    };
    match ai_threads::session_of(conn, id)? {
        None => Err(invalid("not found".into())),
        Some(s) if s != session_id => {
            Err(invalid(format!("does not belong to session {session_id}")))
        }
        Some(_) => Ok(()),
    }
}

pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let session_id = path.into_inner();
    if session_id.is_empty() {
        return Err(ApiError::bad_request("Missing session_id path parameter."));
    }
    let pairs = query_string::pairs(&req)?;
    let after = cursor_param(&pairs, "after_id")?;
    let before = cursor_param(&pairs, "before_id")?;
    if after.is_some() && before.is_some() {
        return Err(ApiError::bad_request(
            "Cannot use both after_id and before_id in the same request.",
        ));
    }
    let limit = limit_param(&pairs)?;
    if !caller.subject.can_read_all_interceptions() {
        return Err(not_found());
    }
    let resp = state
        .db
        .read(move |conn| {
            store::in_savepoint_with(conn, "ai_session_threads", || {
                session_threads(conn, &session_id, after, before, limit)
            })
        })
        .await?;
    Ok(crate::json::ok(&resp))
}

fn not_found() -> ApiError {
    ApiError::new(actix_web::http::StatusCode::NOT_FOUND, "Session not found.")
}

/// The response, read in the caller's snapshot.
fn session_threads(
    conn: &Tx,
    session_id: &str,
    after: Option<String>,
    before: Option<String>,
    limit: i64,
) -> ApiResult<AIBridgeSessionThreadsResponse> {
    let query = AISessionQuery {
        session_id: Some(session_id.to_string()),
        ..AISessionQuery::default()
    };
    let header = ai_sessions::list(conn, &query, None, 1, 0)?
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    if let Some(id) = &after {
        check_cursor(conn, "after_id", id, session_id)?;
    }
    if let Some(id) = &before {
        check_cursor(conn, "before_id", id, session_id)?;
    }
    let cursor = match (&after, &before) {
        (Some(id), _) => Some((Direction::After, id.as_str())),
        (None, Some(id)) => Some((Direction::Before, id.as_str())),
        (None, None) => None,
    };
    let rows = ai_threads::page(conn, session_id, cursor, limit)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let tokens = usages::token_usages_of(conn, &ids)?;
    let tools = usages::tool_usages_of(conn, &ids)?;
    let prompts = usages::user_prompts_of(conn, &ids)?;
    let thoughts = usages::model_thoughts_of(conn, &ids)?;
    let metadata: Vec<serde_json::Value> = ai_threads::token_metadata(conn, session_id)?
        .iter()
        .filter_map(|m| serde_json::from_str(m).ok())
        .collect();
    let rec = Recorded::new(&tokens, &tools, &prompts, &thoughts);
    let (threads, page_started_at, page_ended_at) = assembly::threads(&rows, &rec);
    Ok(AIBridgeSessionThreadsResponse {
        id: header.id,
        initiator: header.initiator,
        providers: header.providers,
        models: header.models,
        client: header.client,
        metadata: header.metadata,
        page_started_at,
        page_ended_at,
        started_at: header.started_at,
        ended_at: header.ended_at,
        token_usage_summary: TokenUsage {
            sums: header.token_usage_summary,
            metadata: assembly::sum_metadata(&metadata),
        },
        threads,
    })
}

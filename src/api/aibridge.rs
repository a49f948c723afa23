//! AI Bridge interceptions: `GET /aibridge/interceptions` as Coder served it until June 2026
//! (kept for older clients), and the coderlite extension `POST /aibridge/interceptions`
//! (owner only) that records one interception or a batch of up to 10,000, with their token
//! usages, prompts, tool usages and thoughts, in one transaction, audited as one `ai_seat`
//! `create` row per request (interceptions are what AI seats are derived from; Coder has no
//! audit resource type for interceptions themselves).
//!
//! Deliberate differences from Coder: `provider:`, `model:` and `client:` match
//! case-insensitively (Coder lower-cases the query, so stored capitals could never match);
//! in-flight interceptions (no `ended_at`) are listed, as in the Coder versions this
//! endpoint's swagger describes (newer Coder hides them).

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::aibridge::AIBridgeListInterceptionsResponse;
use crate::search::interceptions::invalid as search_error;
use crate::search::pagination;
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use crate::store::interceptions::Filter;
use crate::store::sql::Tx;
use actix_web::{web, HttpRequest, HttpResponse};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

/// Inside the `/aibridge` scope (`ai_gateway::routes`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/interceptions", web::get().to(list)).route(
        "/interceptions",
        web::post().to(super::interception_create::create),
    );
}

/// `initiator:` value → user id: `me`, a UUID (taken as is, like Coder), or a username.
fn resolve_initiator(conn: &Tx, caller: &Caller, v: &str) -> ApiResult<String> {
    if v == "me" {
        return Ok(caller.user_id().to_string());
    }
    if let Some(id) = crate::model::parse_uuid(v) {
        return Ok(id);
    }
    store::users::resolve_id(conn, v)?.ok_or_else(|| {
        search_error(vec![Validation::new(
            "initiator",
            format!("Query param \"initiator\" has invalid value: user {v:?} either does not exist, or you are unauthorized to view them"),
        )])
    })
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    if page.after_id.is_some() && page.offset != 0 {
        return Err(
            ApiError::bad_request("Query parameters have invalid values.")
                .detail("Cannot use both after_id and offset pagination in the same request."),
        );
    }
    let limit = pagination::bounded_limit(page.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let q = query_string::q(&pairs).to_string();
    let query = crate::search::interceptions::parse(&q)?;
    let resp = state
        .db
        .read(move |conn| {
            let visible_to = if caller.subject.can_read_all_interceptions() {
                None
            } else {
                Some(caller.user_id().to_string())
            };
            let initiator_id = match &query.initiator {
                Some(v) => Some(resolve_initiator(conn, &caller, v)?),
                None => None,
            };
            let filter = Filter::from_query(query, initiator_id, visible_to.clone());
            if let Some(a) = &page.after_id {
                if !store::interceptions::exists(conn, a, visible_to.as_deref())? {
                    return Err(ApiError::bad_request("Invalid pagination cursor.").detail(
                        format!("after_id: interception {a} not found: invalid pagination cursor"),
                    ));
                }
            }
            let count = store::interceptions::count(conn, &filter)?;
            let mut results = store::interceptions::list(
                conn,
                &filter,
                page.after_id.as_deref(),
                limit,
                page.offset,
            )?;
            store::interception_usages::attach(conn, &mut results)?;
            Ok(AIBridgeListInterceptionsResponse { count, results })
        })
        .await?;
    Ok(crate::json::ok(&resp))
}

//! Coder's AI Gateway read API. `/api/v2/ai-gateway/*` is canonical and `/api/v2/aibridge/*`
//! its alias, both built here as Coder's `aiBridgeRoutes` builds them: the feature gate first
//! (before authentication: 403 "AI Gateway is a Premium feature. Contact sales!" with
//! `--ai-gateway false`), then the sessions list, one session's threads, and the models and
//! clients pick-lists. `/ai-gateway/providers` is registered under the canonical prefix only,
//! and `/aibridge` keeps the interceptions list (removed upstream in June 2026) and
//! coderlite's fixture `POST`. Any other path under either prefix is Coder's data plane,
//! which coderlite does not have: 404 "aibridged handler not mounted".
//!
//! Who reads: owners and auditors see every session; everyone else sees empty lists, and 404
//! on one session and on the providers (Coder's members hold no `aibridge_interception` read).

use super::{ai_picklists, ai_session_threads};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::ai_gateway::AIBridgeListSessionsResponse;
use crate::search::pagination;
use crate::search::query_string;
use crate::state::AppState;
use crate::store::sql::Tx;
use crate::store::{self, ai_sessions};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

/// Coder's `RequireFeatureMW` text for `codersdk.FeatureAIBridge` (named AI Gateway since v2.32).
pub const PREMIUM: &str = "AI Gateway is a Premium feature. Contact sales!";
const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/ai-gateway")
            .wrap(from_fn(require_feature))
            .configure(shared_routes)
            .route("/providers", web::get().to(ai_picklists::providers))
            .default_service(web::to(not_mounted)),
    )
    .service(
        web::scope("/aibridge")
            .wrap(from_fn(require_feature))
            .configure(shared_routes)
            .configure(super::aibridge::routes)
            .default_service(web::to(not_mounted)),
    );
}

/// The routes both prefixes serve.
fn shared_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions", web::get().to(list_sessions))
        .route("/sessions/", web::get().to(ai_session_threads::missing_id))
        .route(
            "/sessions/{session_id}",
            web::get().to(ai_session_threads::get),
        )
        .route("/models", web::get().to(ai_picklists::models))
        .route("/clients", web::get().to(ai_picklists::clients));
}

/// Answers before authentication when the AI Gateway is off (Coder's `RequireFeatureMW`).
async fn require_feature(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let enabled = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.ai_gateway);
    if !enabled {
        let resp = ApiError::forbidden_msg(PREMIUM).error_response();
        return Ok(req.into_response(resp).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The data-plane catch-all without a gateway behind it.
async fn not_mounted() -> HttpResponse {
    crate::json::respond(
        actix_web::http::StatusCode::NOT_FOUND,
        &serde_json::json!({"message": "aibridged handler not mounted"}),
    )
}

/// The first value of a query parameter (Go's `r.URL.Query().Get`), `""` when absent.
/// Parses the sessions `q` (usernames resolved among live users).
fn parse_query(
    conn: &Tx,
    caller: &Caller,
    q: &str,
) -> ApiResult<crate::model::query::AISessionQuery> {
    let mut lookup_err = None;
    let parsed = crate::search::ai_gateway::sessions(q, caller.user_id(), |name| {
        store::users::resolve_id(conn, name).unwrap_or_else(|e| {
            lookup_err = Some(e);
            None
        })
    });
    if let Some(e) = lookup_err {
        return Err(e.into());
    }
    parsed
}

/// `GET /ai-gateway/sessions`.
async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    let after_session_id = query_string::value(&pairs, "after_session_id").to_string();
    if !after_session_id.is_empty() && page.offset != 0 {
        return Err(
            ApiError::bad_request("Query parameters have invalid values.").detail(
                "Cannot use both after_session_id and offset pagination in the same request.",
            ),
        );
    }
    let limit = pagination::bounded_limit(page.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let q = query_string::q(&pairs).to_string();
    let resp = state
        .db
        .read(move |conn| {
            let query = parse_query(conn, &caller, &q)?;
            let reads = caller.subject.can_read_all_interceptions();
            let cursor = match after_session_id.as_str() {
                "" => None,
                id => {
                    let found = if reads {
                        ai_sessions::cursor(conn, id)?
                    } else {
                        None
                    };
                    Some(found.ok_or_else(|| {
                        ApiError::bad_request("Query parameter has invalid value.")
                            .detail(format!("after_session_id: session {id:?} not found"))
                    })?)
                }
            };
            if !reads {
                return Ok(AIBridgeListSessionsResponse {
                    count: 0,
                    sessions: Vec::new(),
                });
            }
            store::in_savepoint_with(conn, "ai_sessions", || {
                Ok(AIBridgeListSessionsResponse {
                    count: ai_sessions::count(conn, &query)?,
                    sessions: ai_sessions::list(conn, &query, cursor.as_ref(), limit, page.offset)?,
                })
            })
        })
        .await?;
    Ok(crate::json::ok(&resp))
}

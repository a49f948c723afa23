//! AI Bridge interceptions: `GET /aibridge/interceptions` as Coder serves it, and the
//! coderlite extension `POST /aibridge/interceptions` (owner only) that records one
//! interception or a batch of up to 10,000 in one transaction, audited as one `ai_seat`
//! `create` row per request (interceptions are what AI seats are derived from; Coder has no
//! audit resource type for interceptions themselves).
//!
//! Deliberate differences from Coder: `provider:`, `model:` and `client:` match
//! case-insensitively (Coder lower-cases the query, so stored capitals could never match);
//! in-flight interceptions (no `ended_at`) are listed, as in the Coder versions this
//! endpoint's swagger describes (newer Coder hides them).

use super::interception_input::{self, Item};
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::aibridge::{AIBridgeInterception, AIBridgeListInterceptionsResponse};
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::search::pagination;
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use crate::store::interceptions::Filter;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use rusqlite::Connection;
use serde_json::json;
use std::collections::{HashMap, HashSet};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;
/// Request body limit for the bulk endpoint (10,000 interceptions with metadata).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/aibridge/interceptions", web::get().to(list))
        .route("/aibridge/interceptions", web::post().to(create));
}

fn search_error(validations: Vec<Validation>) -> ApiError {
    // Coder's handler uses this (copy-pasted) message for interception queries too.
    ApiError::bad_request("Invalid workspace search query.").validations(validations)
}

/// `initiator:` value → user id: `me`, a UUID (taken as is, like Coder), or a username.
fn resolve_initiator(conn: &Connection, caller: &Caller, v: &str) -> ApiResult<String> {
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
    let query = crate::search::interceptions::parse(&q).map_err(search_error)?;
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
            let results = store::interceptions::list(
                conn,
                &filter,
                page.after_id.as_deref(),
                limit,
                page.offset,
            )?;
            Ok(AIBridgeListInterceptionsResponse { count, results })
        })
        .await?;
    Ok(crate::json::ok(&resp))
}

async fn read_body(mut payload: web::Payload) -> ApiResult<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request("Could not read the request body.").detail(e.to_string())
        })?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large.",
            )
            .detail(format!(
                "The request body must not exceed {BODY_LIMIT} bytes."
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Resolves every item's initiator (id or username, non-deleted) and checks ids are new;
/// returns per-item validations on failure.
fn resolve_items(conn: &Connection, items: &mut [Item]) -> ApiResult<()> {
    let mut errs = Vec::new();
    let mut conflicts = Vec::new();
    let mut cache: HashMap<String, Option<String>> = HashMap::new();
    let mut seen = HashSet::new();
    for item in items.iter_mut() {
        let resolved = match cache.get(&item.initiator) {
            Some(r) => r.clone(),
            None => {
                let r = store::users::resolve_id(conn, &item.initiator)?;
                cache.insert(item.initiator.clone(), r.clone());
                r
            }
        };
        match resolved {
            Some(id) => item.row.initiator_id = id,
            None => errs.push(Validation::new(
                format!("{}initiator", item.field_prefix),
                format!(
                    "user {:?} does not exist (expected a user id or username)",
                    item.initiator
                ),
            )),
        }
        if !seen.insert(item.row.id.clone()) {
            errs.push(Validation::new(
                format!("{}id", item.field_prefix),
                "duplicate id within this request",
            ));
        } else if store::interceptions::exists(conn, &item.row.id, None)? {
            conflicts.push(Validation::new(
                format!("{}id", item.field_prefix),
                format!("interception {} already exists", item.row.id),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::validation_failed(interception_input::capped(
            errs,
        )));
    }
    if !conflicts.is_empty() {
        return Err(ApiError::conflict("Interception already exists.")
            .validations(interception_input::capped(conflicts)));
    }
    Ok(())
}

async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if !caller.subject.is_owner() {
        return Err(ApiError::forbidden());
    }
    let body = read_body(payload).await?;
    let mut rec = AuditRecord::new(caller.user_id(), AuditAction::Create, ResourceType::AiSeat);
    rec.status_code = 201;
    let (created, is_batch) = audited_create(&state, meta, rec, body).await?;
    if is_batch {
        let count = created.len() as i64;
        Ok(crate::json::created(&AIBridgeListInterceptionsResponse {
            count,
            results: created,
        }))
    } else {
        let one = created
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("no interception created"))?;
        Ok(crate::json::created(&one))
    }
}

async fn audited_create(
    state: &AppState,
    meta: RequestMeta,
    rec: AuditRecord,
    body: Vec<u8>,
) -> ApiResult<(Vec<AIBridgeInterception>, bool)> {
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        let parsed = interception_input::parse(&body)?;
        let mut items = parsed.items;
        resolve_items(tx, &mut items)?;
        let mut users = HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            store::interceptions::insert(tx, &item.row)?;
            if !users.contains_key(&item.row.initiator_id) {
                let u = store::interceptions::minimal_user(tx, &item.row.initiator_id)?
                    .ok_or_else(|| ApiError::internal("initiator vanished"))?;
                users.insert(item.row.initiator_id.clone(), u);
            }
            let r = &item.row;
            out.push(AIBridgeInterception {
                id: r.id.clone(),
                api_key_id: r.api_key_id.clone(),
                initiator: users[&r.initiator_id].clone(),
                provider: r.provider.clone(),
                provider_name: r.provider_name.clone(),
                model: r.model.clone(),
                client: r.client.clone(),
                metadata: crate::model::aibridge::metadata_value(r.metadata.as_deref()),
                started_at: r.started_at,
                ended_at: r.ended_at,
                token_usages: Vec::new(),
                user_prompts: Vec::new(),
                tool_usages: Vec::new(),
            });
        }
        if let [one] = out.as_slice() {
            if !parsed.is_batch {
                rec.resource_id = one.id.clone();
            }
        }
        rec.resource_target = if parsed.is_batch {
            format!("{} interceptions", out.len())
        } else {
            users
                .values()
                .next()
                .map(|u| u.username.clone())
                .unwrap_or_default()
        };
        rec.additional_fields = json!({
            "interceptions": out.len().to_string(),
            "initiators": users.len().to_string(),
        });
        Ok((out, parsed.is_batch))
    })
    .await
}

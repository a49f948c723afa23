//! API keys: long-lived tokens (`/users/{user}/keys/tokens...`) and session-style keys
//! (`POST /users/{user}/keys`), read and delete by id. Only a SHA-256 of each secret is kept.

mod create;
mod names;

use crate::api::params::resolve_readable_user;
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::LoginType;
use crate::model::{ApiAllowListTarget, ApiKey, ApiKeyWithOwner};
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use crate::store::api_keys::{ApiKeyRow, KeyListing};
use crate::store::sql::Tx;
use crate::timefmt::format_micros;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

/// Session-style keys from `POST /users/{user}/keys` last a week, as in Coder.
const SESSION_KEY_LIFETIME_SECS: i64 = 7 * 24 * 3600;
/// Default token lifetime when the request leaves it 0: 30 days.
const DEFAULT_TOKEN_LIFETIME_NS: i64 = 30 * 24 * 3600 * 1_000_000_000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{user}/keys", web::post().to(post_session_key))
        .route(
            "/users/{user}/keys/tokens",
            web::post().to(create::post_token),
        )
        .route("/users/{user}/keys/tokens", web::get().to(list_tokens))
        .route(
            "/users/{user}/keys/tokens/tokenconfig",
            web::get().to(token_config),
        )
        .route(
            "/users/{user}/keys/tokens/{keyname}",
            web::get().to(get_token_by_name),
        )
        .route("/users/{user}/keys/{keyid}", web::get().to(get_key))
        .route("/users/{user}/keys/{keyid}", web::delete().to(delete_key));
}

fn to_api_key(l: &KeyListing) -> ApiKey {
    let k = &l.key;
    let scopes = store::json_list(&k.scopes);
    let scope = if scopes.iter().any(|s| s == "all" || s == "coder:all") {
        "all"
    } else if scopes
        .iter()
        .any(|s| s == "application_connect" || s == "coder:application_connect")
    {
        "application_connect"
    } else {
        // Neither legacy scope: the deprecated field names the key's first scope, so it is
        // always a valid `APIKeyScope`, never "".
        scopes.first().map_or("all", String::as_str)
    };
    let allow_list = store::json_list(&l.allow_list)
        .into_iter()
        .map(|t| {
            let (kind, id) = t.split_once(':').unwrap_or((t.as_str(), "*"));
            ApiAllowListTarget {
                kind: kind.to_string(),
                id: id.to_string(),
            }
        })
        .collect();
    ApiKey {
        id: k.id.clone(),
        user_id: k.user_id.clone(),
        last_used: k.last_used,
        expires_at: k.expires_at,
        created_at: k.created_at,
        updated_at: k.updated_at,
        login_type: k.login_type.clone(),
        scope: scope.to_string(),
        scopes,
        token_name: k.token_name.clone(),
        lifetime_seconds: k.lifetime_seconds,
        allow_list,
    }
}

/// The audited view of a key (Coder's tracked `APIKey` fields).
fn key_view(k: &ApiKeyRow) -> Value {
    json!({
        "user_id": k.user_id,
        "last_used": format_micros(k.last_used),
        "expires_at": format_micros(k.expires_at),
        "created_at": format_micros(k.created_at),
    })
}

fn key_diff(old: &Value, new: &Value) -> Map<String, Value> {
    audit::diff::compute(old, new, &audit::fields::API_KEY)
}

/// Resolves `{user}` and requires the caller to manage that user's keys (403 otherwise).
fn key_owner(conn: &Tx, caller: &Caller, value: &str) -> ApiResult<String> {
    let id = resolve_readable_user(conn, caller, value)?;
    if !caller.subject.can_manage_keys_of(&id) {
        return Err(ApiError::forbidden());
    }
    Ok(id)
}

/// `POST /users/{user}/keys` → 201 `{"key"}`: a week-long password-type key for CLIs.
async fn post_session_key(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let ip = meta.ip.clone().unwrap_or_default();
    let rec = AuditRecord::new(caller.user_id(), AuditAction::Create, ResourceType::ApiKey);
    let key = audit::audited(&state.db, meta, rec, move |tx, rec| {
        let user_id = key_owner(tx, &caller, &value)?;
        let (row, full) = crate::api::auth::insert_key(
            tx,
            &user_id,
            LoginType::Password.as_str(),
            SESSION_KEY_LIFETIME_SECS,
            "",
            &ip,
        )?;
        rec.resource_id = row.id.clone();
        rec.diff = key_diff(&Value::Null, &key_view(&row));
        rec.status_code = 201;
        Ok(full)
    })
    .await?;
    Ok(crate::json::created(&json!({ "key": key })))
}

/// `GET /users/{user}/keys/tokens` → `[]APIKeyWithOwner`; `include_all=true` lists every
/// user's tokens the caller may see.
async fn list_tokens(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let include_all = query_string::first(&req, "include_all")
        .is_some_and(|v| matches!(v.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True"));
    let value = path.into_inner();
    let keys = state
        .db
        .read(move |c| {
            let user_id = resolve_readable_user(c, &caller, &value)?;
            let rows = store::api_keys::list_tokens(c, (!include_all).then_some(&user_id[..]))?;
            Ok(rows
                .iter()
                .filter(|l| caller.subject.can_manage_keys_of(&l.key.user_id))
                .map(|l| ApiKeyWithOwner {
                    key: to_api_key(l),
                    username: l.username.clone(),
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(crate::json::ok(&keys))
}

/// `GET /users/{user}/keys/tokens/tokenconfig` → `{"max_token_lifetime": <ns>}`.
async fn token_config(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    state
        .db
        .read(move |c| resolve_readable_user(c, &caller, &value))
        .await?;
    let ns = state
        .config
        .max_token_lifetime_secs
        .saturating_mul(1_000_000_000);
    Ok(crate::json::ok(&json!({ "max_token_lifetime": ns })))
}

/// `GET /users/{user}/keys/tokens/{keyname}`.
async fn get_token_by_name(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (value, name) = path.into_inner();
    let key = state
        .db
        .read(move |c| {
            let user_id = resolve_readable_user(c, &caller, &value)?;
            match store::api_keys::get_token_by_name(c, &user_id, &name)? {
                Some(l) if caller.subject.can_manage_keys_of(&l.key.user_id) => Ok(to_api_key(&l)),
                _ => Err(ApiError::not_found()),
            }
        })
        .await?;
    Ok(crate::json::ok(&key))
}

/// `GET /users/{user}/keys/{keyid}`: any key the caller may manage (Coder looks the key up
/// by id alone).
async fn get_key(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (value, key_id) = path.into_inner();
    let key = state
        .db
        .read(move |c| {
            resolve_readable_user(c, &caller, &value)?;
            match store::api_keys::get_listing(c, &key_id)? {
                Some(l) if caller.subject.can_manage_keys_of(&l.key.user_id) => Ok(to_api_key(&l)),
                _ => Err(ApiError::not_found()),
            }
        })
        .await?;
    Ok(crate::json::ok(&key))
}

/// `DELETE /users/{user}/keys/{keyid}` → 204.
async fn delete_key(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (value, key_id) = path.into_inner();
    let rec = AuditRecord::new(caller.user_id(), AuditAction::Delete, ResourceType::ApiKey);
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        resolve_readable_user(tx, &caller, &value)?;
        let key = match store::api_keys::get(tx, &key_id)? {
            Some(k) if caller.subject.can_manage_keys_of(&k.user_id) => k,
            _ => return Err(ApiError::not_found()),
        };
        rec.resource_id = key.id.clone();
        rec.resource_target = key.token_name.clone();
        store::api_keys::delete(tx, &key.id)?;
        rec.diff = key_diff(&key_view(&key), &Value::Null);
        rec.status_code = 204;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

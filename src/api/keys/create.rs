//! `POST /users/{user}/keys/tokens`: long-lived tokens with Coder's lifetime, name and
//! scope rules.

use super::{key_diff, key_owner, key_view, names, DEFAULT_TOKEN_LIFETIME_NS};
use crate::audit::{self, AuditRecord};
use crate::auth::{token, Caller};
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::store::api_keys::ApiKeyRow;
use crate::timefmt::now_micros;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

/// Go's `time.Duration.String()` for whole seconds (`720h0m0s`).
pub fn go_duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateTokenRequest {
    lifetime: Option<i64>,
    scope: Option<String>,
    scopes: Option<Vec<String>>,
    token_name: Option<String>,
    allow_list: Option<Vec<AllowListEntry>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AllowListEntry {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
}

fn valid_scope(s: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    };
    match s.split_once(':') {
        None => s == "all" || s == "application_connect",
        Some((a, b)) => word(a) && (b == "*" || word(b)),
    }
}

fn invalid_key_request(detail: impl Into<String>) -> ApiError {
    ApiError::bad_request("Failed to validate create API key request.").detail(detail)
}

/// `POST /users/{user}/keys/tokens` → 201 `{"key"}`.
pub async fn post_token(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
    body: crate::api::extract::Body<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let max_secs = state.config.max_token_lifetime_secs;
    let value = path.into_inner();
    let ip = meta.ip.clone().unwrap_or_default();
    let rec = AuditRecord::new(caller.user_id(), AuditAction::Create, ResourceType::ApiKey);
    let key = audit::audited(&state.db, meta, rec, move |tx, rec| {
        let user_id = key_owner(tx, &caller, &value)?;
        let lifetime_ns = match b.lifetime.unwrap_or(0) {
            0 => DEFAULT_TOKEN_LIFETIME_NS,
            n => n,
        };
        if lifetime_ns <= 0 {
            return Err(invalid_key_request(
                "lifetime must be positive number greater than 0",
            ));
        }
        if lifetime_ns / 1_000_000_000 > max_secs
            || (lifetime_ns / 1_000_000_000 == max_secs && lifetime_ns % 1_000_000_000 > 0)
        {
            return Err(invalid_key_request(format!(
                "lifetime must be less than {}",
                go_duration(max_secs)
            )));
        }
        let mut scopes = b.scopes.clone().unwrap_or_default();
        if scopes.is_empty() {
            scopes.push(
                b.scope
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "all".into()),
            );
        }
        if let Some(bad) = scopes.iter().find(|s| !valid_scope(s)) {
            return Err(invalid_key_request(format!(
                "invalid API key scope: {bad:?}"
            )));
        }
        let allow: Vec<String> = match &b.allow_list {
            Some(list) if !list.is_empty() => list
                .iter()
                .map(|e| {
                    format!(
                        "{}:{}",
                        e.kind.as_deref().unwrap_or("*"),
                        e.id.as_deref().unwrap_or("*")
                    )
                })
                .collect(),
            _ => vec!["*:*".into()],
        };
        let name = b
            .token_name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(names::random_token_name);
        rec.resource_target = name.clone();
        if store::api_keys::token_name_taken(tx, &user_id, &name)? {
            return Err(
                ApiError::conflict(format!("A token with name {name:?} already exists."))
                    .validations(vec![Validation::new(
                        "name",
                        "This value is already in use and should be unique.",
                    )]),
            );
        }
        let (id, secret, full) = token::generate();
        let now = now_micros();
        let row = ApiKeyRow {
            id,
            hashed_secret: token::hash_secret(&secret),
            user_id,
            login_type: "token".into(),
            lifetime_seconds: lifetime_ns / 1_000_000_000,
            token_name: name,
            scopes: store::to_json_list(&scopes),
            ip_address: ip,
            created_at: now,
            updated_at: now,
            last_used: now,
            expires_at: now + lifetime_ns / 1000,
        };
        store::api_keys::insert(tx, &row)?;
        store::api_keys::set_allow_list(tx, &row.id, &store::to_json_list(&allow))?;
        rec.resource_id = row.id.clone();
        rec.diff = key_diff(&Value::Null, &key_view(&row));
        rec.status_code = 201;
        Ok(full)
    })
    .await?;
    Ok(crate::json::created(&json!({ "key": key })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_scopes() {
        assert_eq!(go_duration(2_592_000), "720h0m0s");
        assert_eq!(go_duration(90), "1m30s");
        assert_eq!(go_duration(5), "5s");
        assert!(valid_scope("all") && valid_scope("coder:workspaces.access"));
        assert!(valid_scope("workspace:*") && !valid_scope("bogus") && !valid_scope("a:b:c"));
        assert!(names::random_token_name().contains('_'));
    }
}

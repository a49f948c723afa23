//! A user's own account data: password, roles, organizations.

use super::{audit_view, finish_record, read_user, user_record};
use crate::api::extract::parse_body;
use crate::api::params::resolve_readable_user;
use crate::audit;
use crate::auth::{password, Caller};
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::AuditAction;
use crate::model::LoginType;
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::timefmt::now_micros;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordBody {
    old_password: Option<String>,
    password: Option<String>,
}

/// `PUT /users/{user}/password` → 204. Every API key of the user is removed.
pub async fn put_password(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let parsed = parse_body::<PasswordBody>(&bytes);
    // Hashing is slow: read and verify outside the write transaction, then re-check there.
    let (caller2, value2) = (caller.clone(), value.clone());
    let target = state
        .db
        .read(move |c| {
            let id = resolve_readable_user(c, &caller2, &value2)?;
            Ok(store::users::core(c, &id)?)
        })
        .await?;
    let prepared = match (&target, &parsed) {
        (Some(u), Ok(b)) => {
            let (u, b) = (u.clone(), (b.old_password.clone(), b.password.clone()));
            let self_change = u.id == caller.user_id();
            let allowed = caller.subject.can_update_user(&u.id);
            web::block(move || prepare_password(&u, self_change, allowed, b.0, b.1)).await?
        }
        _ => Err(ApiError::internal("unreachable")),
    };
    let rec = user_record(&caller, AuditAction::Write);
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        let id = resolve_readable_user(tx, &caller, &value)?;
        let old = audit_view(tx, &id)?;
        rec.resource_id = id.clone();
        rec.resource_target = old["username"].as_str().unwrap_or_default().to_string();
        if !caller.subject.can_update_user(&id) {
            return Err(ApiError::not_found());
        }
        parsed?;
        let hashed = prepared?;
        store::user_updates::update_password(tx, &id, &hashed, now_micros())?;
        store::api_keys::delete_for_user(tx, &id)?;
        finish_record(tx, rec, &id, &old)?;
        rec.status_code = 204;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Coder's checks in order, then the new hash.
fn prepare_password(
    u: &store::users::UserCore,
    self_change: bool,
    allowed: bool,
    old_password: Option<String>,
    new_password: Option<String>,
) -> ApiResult<String> {
    if !allowed {
        return Err(ApiError::not_found());
    }
    let (old, new) = (
        old_password.unwrap_or_default(),
        new_password.unwrap_or_default(),
    );
    if u.login_type != LoginType::Password.as_str() {
        return Err(ApiError::bad_request(
            "Users without password login type cannot change their password.",
        ));
    }
    if self_change && old.is_empty() {
        return Err(ApiError::bad_request("Old password is required."));
    }
    if let Err(e) = password::validate(&new) {
        return Err(ApiError::bad_request("Invalid password.")
            .validations(vec![Validation::new("password", e)]));
    }
    if !old.is_empty() && !password::verify(&old, &u.hashed_password) {
        return Err(
            ApiError::bad_request("Old password is incorrect.").validations(vec![Validation::new(
                "old_password",
                "Old password is incorrect.",
            )]),
        );
    }
    if !u.hashed_password.is_empty() && password::verify(&new, &u.hashed_password) {
        return Err(ApiError::bad_request(
            "New password cannot match old password.",
        ));
    }
    password::hash(&new).map_err(ApiError::internal)
}

/// `GET /users/{user}/roles`: site roles and saved organization roles (self or readers of
/// every user; others 404).
pub async fn get_roles(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let out = state
        .db
        .read(move |c| {
            let id = resolve_readable_user(c, &caller, &value)?;
            if id != caller.user_id() && !caller.subject.can_read_all_users() {
                return Err(ApiError::not_found());
            }
            let core = store::users::core(c, &id)?.ok_or_else(ApiError::not_found)?;
            let mut orgs = Map::new();
            for (org, roles) in store::members::organization_roles(c, &id)? {
                orgs.insert(org, json!(roles));
            }
            Ok(json!({"roles": core.rbac_roles, "organization_roles": Value::Object(orgs)}))
        })
        .await?;
    Ok(crate::json::ok(&out))
}

/// `GET /users/{user}/organizations`: the user's organizations the caller may read.
pub async fn organizations(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let orgs = state
        .db
        .read(move |c| {
            let id = resolve_readable_user(c, &caller, &value)?;
            let orgs = store::orgs::organizations_of(c, &id)?;
            Ok(orgs
                .into_iter()
                .filter(|o| caller.subject.can_read_org(&o.id))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(crate::json::ok(&orgs))
}

/// `GET /users/{user}/login-type` (`{"login_type": ...}`): the user themself and user managers
/// (Coder's `read_personal`); anyone else gets 404.
pub async fn login_type(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let user = read_user(&state, caller, path.into_inner(), |caller, id| {
        id == caller.user_id() || caller.subject.can_manage_users()
    })
    .await?;
    Ok(crate::json::ok(&json!({ "login_type": user.login_type })))
}

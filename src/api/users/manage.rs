//! Changes to another user's account: profile, status, site roles, soft delete.

use super::{audit_view, finish_record, load_user, user_record};
use crate::api::extract::parse_body;
use crate::api::params::resolve_readable_user;
use crate::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::AuditAction;
use crate::model::User;
use crate::model::UserStatus;
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::store::sql::Tx;
use crate::timefmt::now_micros;
use crate::users::names::{tag_failed, validate_real_name, validate_username};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

/// Runs `change` on the resolved `{user}` in one audited write (action `write`) and answers
/// the updated user.
async fn update_user<F>(
    state: &AppState,
    caller: Caller,
    meta: RequestMeta,
    value: String,
    change: F,
) -> ApiResult<User>
where
    F: FnOnce(&Tx, &Caller, &store::users::UserCore) -> ApiResult<()> + Send + 'static,
{
    let rec = user_record(&caller, AuditAction::Write);
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        let id = resolve_readable_user(tx, &caller, &value)?;
        let old = audit_view(tx, &id)?;
        rec.resource_id = id.clone();
        rec.resource_target = old["username"].as_str().unwrap_or_default().to_string();
        let core = store::users::core(tx, &id)?
            .ok_or_else(|| crate::api::params::user_not_found(&value))?;
        change(tx, &caller, &core)?;
        finish_record(tx, rec, &id, &old)?;
        load_user(tx, &id)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileBody {
    username: Option<String>,
    name: Option<String>,
}

/// `PUT /users/{user}/profile`.
pub async fn put_profile(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let b: ProfileBody = parse_body(&bytes)?;
    let username = b.username.unwrap_or_default();
    let name = b.name.unwrap_or_default();
    let mut v = Vec::new();
    if username.is_empty() {
        v.push(Validation::required("username"));
    } else if validate_username(&username).is_err() {
        v.push(tag_failed("username", "username", &username));
    }
    if validate_real_name(&name).is_err() {
        v.push(tag_failed("name", "user_real_name", &name));
    }
    let invalid = (!v.is_empty()).then(|| ApiError::validation_failed(v));
    let user = update_user(
        &state,
        caller,
        meta,
        path.into_inner(),
        move |tx, caller, u| {
            if let Some(e) = invalid {
                return Err(e);
            }
            if !caller.subject.can_update_user(&u.id) {
                return Err(ApiError::not_found());
            }
            if let Some(other) = store::users::find_by_username_or_email(tx, &username, "")? {
                if other != u.id {
                    return Err(
                        ApiError::conflict("A user with this username already exists.")
                            .validations(vec![Validation::new(
                                "username",
                                "This username is already in use.",
                            )]),
                    );
                }
            }
            if username != u.username && !caller.subject.can_manage_users() {
                return Err(ApiError::not_found());
            }
            store::user_updates::update_profile(tx, &u.id, &username, &name, now_micros())?;
            Ok(())
        },
    )
    .await?;
    Ok(crate::json::ok(&user))
}

async fn set_status(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    value: String,
    status: UserStatus,
) -> ApiResult<HttpResponse> {
    let user = update_user(&state, caller, meta, value, move |tx, caller, u| {
        if status == UserStatus::Suspended {
            if u.id == caller.user_id() {
                return Err(ApiError::bad_request("You cannot suspend yourself."));
            }
            if u.rbac_roles.iter().any(|r| r == crate::rbac::OWNER) {
                return Err(ApiError::bad_request(
                    "You cannot suspend a user with the \"owner\" role. You must remove the role first.",
                ));
            }
        }
        if !caller.subject.can_manage_users() {
            return Err(ApiError::forbidden());
        }
        store::user_updates::update_status(tx, &u.id, status.as_str(), now_micros())?;
        Ok(())
    })
    .await?;
    Ok(crate::json::ok(&user))
}

/// `PUT /users/{user}/status/suspend`.
pub async fn suspend(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_status(
        state,
        caller,
        meta,
        path.into_inner(),
        UserStatus::Suspended,
    )
    .await
}

/// `PUT /users/{user}/status/activate`.
pub async fn activate(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_status(state, caller, meta, path.into_inner(), UserStatus::Active).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RolesBody {
    roles: Option<Vec<String>>,
}

/// `PUT /users/{user}/roles`: site roles only (`member` is implied and never saved);
/// every added or removed role must be assignable by the caller.
pub async fn put_roles(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let parsed = parse_body::<RolesBody>(&bytes);
    let user = update_user(
        &state,
        caller,
        meta,
        path.into_inner(),
        move |tx, caller, u| {
            if u.id == caller.user_id() {
                return Err(ApiError::bad_request("You cannot change your own roles."));
            }
            let wanted = parsed?.roles.unwrap_or_default();
            let mut roles: Vec<String> = Vec::new();
            for r in wanted.into_iter().filter(|r| r != crate::rbac::MEMBER) {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            let added = roles.iter().filter(|r| !u.rbac_roles.contains(r));
            let removed = u.rbac_roles.iter().filter(|r| !roles.contains(r));
            let mut changed = added.chain(removed).peekable();
            if changed.peek().is_some() && !caller.subject.can_manage_users() {
                return Err(ApiError::forbidden());
            }
            if changed.any(|r| !caller.subject.can_assign_site_role(r)) {
                return Err(ApiError::forbidden());
            }
            store::user_updates::update_roles(tx, &u.id, &roles, now_micros())?;
            Ok(())
        },
    )
    .await?;
    Ok(crate::json::ok(&user))
}

/// `DELETE /users/{user}`: soft delete; the user's API keys are removed.
pub async fn delete_user(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let rec = user_record(&caller, AuditAction::Delete);
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        let id = resolve_readable_user(tx, &caller, &value)?;
        let old = audit_view(tx, &id)?;
        rec.resource_id = id.clone();
        rec.resource_target = old["username"].as_str().unwrap_or_default().to_string();
        if id == caller.user_id() {
            return Err(ApiError::forbidden_msg("You cannot delete yourself!"));
        }
        let s = &caller.subject;
        if (s.can_manage_users() || s.can_read_all_workspaces())
            && store::users::owns_live_workspaces(tx, &id)?
        {
            return Err(ApiError::new(
                StatusCode::EXPECTATION_FAILED,
                "You cannot delete a user that has workspaces. Delete their workspaces and try again!",
            ));
        }
        if !s.can_manage_users() {
            return Err(ApiError::forbidden());
        }
        store::user_updates::soft_delete(tx, &id, now_micros())?;
        store::api_keys::delete_for_user(tx, &id)?;
        finish_record(tx, rec, &id, &old)?;
        Ok(())
    })
    .await?;
    Ok(crate::json::ok(
        &json!({"message": "User has been deleted!"}),
    ))
}

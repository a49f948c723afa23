//! Users: list, create, read, profile, status, roles, delete, password, organizations.
//! Handlers for writes live in the submodules; this file holds routes, reads and the
//! helpers they share.

mod account;
mod create;
mod manage;

use crate::api::params::{resolve_readable_user, user_not_found};
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::{AuditAction, ResourceType};
use crate::model::{GetUsersResponse, User};
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use crate::store::sql::Tx;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list_users))
        .route("/users", web::post().to(create::create_user))
        .route("/users/{user}", web::get().to(get_user))
        .route("/users/{user}", web::delete().to(manage::delete_user))
        .route("/users/{user}/profile", web::put().to(manage::put_profile))
        .route(
            "/users/{user}/status/suspend",
            web::put().to(manage::suspend),
        )
        .route(
            "/users/{user}/status/activate",
            web::put().to(manage::activate),
        )
        .route("/users/{user}/roles", web::get().to(account::get_roles))
        .route("/users/{user}/roles", web::put().to(manage::put_roles))
        .route(
            "/users/{user}/password",
            web::put().to(account::put_password),
        )
        .route(
            "/users/{user}/organizations",
            web::get().to(account::organizations),
        )
        .route(
            "/users/{user}/login-type",
            web::get().to(account::login_type),
        );
}

/// `GET /users`: `q` first (400 `Invalid user search query.`), then pagination.
async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let q = query_string::q(&pairs);
    let filter = crate::search::users::parse(q)?;
    let page = crate::search::pagination::parse(&pairs)?;
    let scope = caller.subject.user_scope();
    let (users, count) = state
        .db
        .read(move |c| {
            Ok(store::user_list::list(
                c,
                &filter,
                &scope,
                caller.user_id(),
                &page,
            )?)
        })
        .await?;
    Ok(crate::json::ok(&GetUsersResponse { users, count }))
}

async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let user = read_user(&state, caller, path.into_inner(), |_, _| true).await?;
    Ok(crate::json::ok(&user))
}

/// `{user}` read under the caller's permission (`resolve_readable_user`), then `allowed`
/// (caller, user id) decides; a user the caller may read but not see this way is 404.
async fn read_user(
    state: &AppState,
    caller: Caller,
    value: String,
    allowed: impl FnOnce(&Caller, &str) -> bool + Send + 'static,
) -> ApiResult<User> {
    state
        .db
        .read(move |c| {
            let id = resolve_readable_user(c, &caller, &value)?;
            if !allowed(&caller, &id) {
                return Err(ApiError::not_found());
            }
            load_user(c, &id)
        })
        .await
}

/// A fully built user (with `organization_ids` and `has_ai_seat`) after a change.
fn load_user(conn: &Tx, id: &str) -> ApiResult<User> {
    store::users::get_by_id(conn, id)?.ok_or_else(|| user_not_found(id))
}

/// An audit record for a change to a user made by `caller`.
fn user_record(caller: &Caller, action: AuditAction) -> AuditRecord {
    AuditRecord::new(caller.user_id(), action, ResourceType::User)
}

/// The audit view of a user, `Null` when missing.
fn audit_view(conn: &Tx, id: &str) -> ApiResult<Value> {
    Ok(store::users::audit_view(conn, id)?.unwrap_or(Value::Null))
}

/// Fills `rec` with the user's id, username and the diff from `old` to the current row.
fn finish_record(conn: &Tx, rec: &mut AuditRecord, id: &str, old: &Value) -> ApiResult<()> {
    let new = audit_view(conn, id)?;
    let target = new["username"].as_str().unwrap_or_default().to_string();
    rec.resource_id = id.to_string();
    rec.resource_target = target;
    rec.diff = diff(old, &new);
    Ok(())
}

fn diff(old: &Value, new: &Value) -> Map<String, Value> {
    audit::diff::compute(old, new, &audit::fields::USER)
}

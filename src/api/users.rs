//! Users: list, create, read, profile, status, roles, delete, organizations.

use crate::api::params::{resolve_user, user_not_found};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::model::GetUsersResponse;
use crate::search::pagination::{query_pairs, query_values};
use crate::state::AppState;
use crate::store;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list_users))
        .route("/users/{user}", web::get().to(get_user));
}

/// `GET /users`: `q` first (400 `Invalid user search query.`), then pagination.
async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_pairs(req.query_string())?;
    let q = query_values(&pairs, "q").first().copied().unwrap_or("");
    let filter = crate::search::users::parse(q)?;
    let page = crate::search::pagination::parse(&pairs)?;
    let scope = caller.subject.user_scope();
    let (users, count) = state
        .db
        .read(move |c| {
            Ok(store::users::list(
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
    let value = path.into_inner();
    let user = state
        .db
        .read(move |c| {
            let id = resolve_user(c, &caller, &value)?;
            let readable = match caller.subject.user_scope() {
                crate::rbac::UserScope::All => true,
                crate::rbac::UserScope::SelfAndOrgs(orgs) => {
                    id == caller.user_id() || store::users::is_member_of_any(c, &id, &orgs)?
                }
            };
            if !readable {
                return Err(user_not_found(&value));
            }
            store::users::get_by_id(c, &id)?.ok_or_else(|| user_not_found(&value))
        })
        .await?;
    Ok(crate::json::ok(&user))
}

//! Users: list, create, read, profile, status, roles, delete, organizations.

use crate::api::params::{resolve_user, user_not_found};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store;
use actix_web::{web, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{user}", web::get().to(get_user));
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

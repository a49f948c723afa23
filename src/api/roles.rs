//! Assignable roles (Coder's `coderd/roles.go`): `GET /users/roles` (site roles) and
//! `GET /organizations/{organization}/members/roles` (organization roles). Implicit roles
//! (`member`, `organization-member`) and roles without a display name are left out.
//! coderlite has no custom roles, so every listed role is built in. Permission lists are
//! present but empty: coderlite does not expose Coder's rego permission sets.

use crate::api::params::resolve_org;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::{AssignableRoles, Role};
use crate::rbac;
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/roles", web::get().to(site_roles)).route(
        "/organizations/{organization}/members/roles",
        web::get().to(org_roles),
    );
}

fn assignable(name: &str, organization_id: &str, assignable: bool) -> AssignableRoles {
    AssignableRoles {
        role: Role {
            name: name.to_string(),
            organization_id: organization_id.to_string(),
            display_name: rbac::display_name(name).to_string(),
            site_permissions: Vec::new(),
            organization_permissions: Vec::new(),
            user_permissions: Vec::new(),
            organization_member_permissions: Vec::new(),
        },
        assignable,
        built_in: true,
    }
}

/// `GET /users/roles` → 200 `[]AssignableRoles`; 403 without `assign_role:read`.
async fn site_roles(caller: Caller) -> ApiResult<HttpResponse> {
    if !caller.subject.can_read_site_roles() {
        return Err(ApiError::forbidden());
    }
    let roles: Vec<AssignableRoles> = rbac::SITE_ROLES
        .iter()
        .filter(|r| **r != rbac::MEMBER && !rbac::display_name(r).is_empty())
        .map(|r| assignable(r, "", caller.subject.can_assign_site_role(r)))
        .collect();
    Ok(crate::json::ok(&roles))
}

/// `GET /organizations/{organization}/members/roles` → 200 `[]AssignableRoles`; 404 without
/// `assign_org_role:read` in the organization.
async fn org_roles(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let c2 = caller.clone();
    let org = state.db.read(move |c| resolve_org(c, &c2, &value)).await?;
    if !caller.subject.can_read_org_roles(&org.id) {
        return Err(ApiError::not_found());
    }
    let roles: Vec<AssignableRoles> = rbac::ORG_ROLES
        .iter()
        .filter(|r| !rbac::display_name(r).is_empty())
        .map(|r| assignable(r, &org.id, caller.subject.can_assign_org_role(&org.id, r)))
        .collect();
    Ok(crate::json::ok(&roles))
}

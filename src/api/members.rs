//! Organization members (Coder's `coderd/members.go`): list, paginated list, read, add,
//! remove, change roles. `{user}` resolves as Coder's member-param middleware does: any
//! existing user (400 otherwise), then the membership must exist and be readable (404).

use crate::api::extract::parse_body;
use crate::api::params::{resolve_org, resolve_user};
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::PaginatedMembersResponse;
use crate::model::{AuditAction, ResourceType};
use crate::model::{Organization, OrganizationMember, OrganizationMemberWithUserData};
use crate::rbac;
use crate::request_meta::RequestMeta;
use crate::search::{members as member_search, pagination, query_string};
use crate::state::AppState;
use crate::store;
use crate::store::sql::Tx;
use crate::timefmt::{format_micros, now_micros};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let m = "/organizations/{organization}/members/{user}";
    cfg.route(
        "/organizations/{organization}/members",
        web::get().to(list_members),
    )
    .route(
        "/organizations/{organization}/paginated-members",
        web::get().to(paginated_members),
    )
    .route(m, web::get().to(get_member))
    .route(m, web::post().to(add_member))
    .route(m, web::delete().to(remove_member))
    .route(&format!("{m}/roles"), web::put().to(update_member_roles));
}

/// The membership as its audit diff sees it (Coder's `AuditableOrganizationMember`).
/// Go's zero `AuditableOrganizationMember`, for "did not exist" on create and delete (the
/// zero UUID diffs as "").
fn audit_json_zero() -> Value {
    let zero = format_micros(crate::timefmt::ZERO_TIME_MICROS);
    json!({"username": "", "user_id": "", "organization_id": "", "created_at": zero,
           "updated_at": zero, "roles": []})
}

fn audit_json(m: &OrganizationMember, username: &str) -> Value {
    let roles: Vec<&str> = m.roles.iter().map(|r| r.name.as_str()).collect();
    json!({
        "username": username, "user_id": m.user_id, "organization_id": m.organization_id,
        "created_at": format_micros(m.created_at), "updated_at": format_micros(m.updated_at),
        "roles": roles,
    })
}

/// Coder's `ExtractOrganizationMemberParam`: the organization (404 when unreadable), the user
/// (400 when missing), then the membership, which must exist and be readable (404).
fn resolve_member(
    conn: &Tx,
    caller: &Caller,
    org_value: &str,
    user_value: &str,
) -> ApiResult<(Organization, OrganizationMemberWithUserData)> {
    let org = resolve_org(conn, caller, org_value)?;
    let user_id = resolve_user(conn, caller, user_value)?;
    if !caller.subject.can_read_member(&org.id, &user_id) {
        return Err(ApiError::not_found());
    }
    let member = store::members::get(conn, &org.id, &user_id)?.ok_or_else(ApiError::not_found)?;
    Ok((org, member))
}

/// `GET /organizations/{org}/members` (deprecated): every member the caller may read, with
/// Coder's members search (`user_id`, `include_system`, `github_user_id`).
async fn list_members(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let org_value = path.into_inner();
    let pairs = query_string::pairs(&req)?;
    let q = query_string::q(&pairs).to_string();
    let members = state
        .db
        .read(move |c| {
            let org = resolve_org(c, &caller, &org_value)?;
            let filter = member_search::parse(&q)?;
            let only_self = (!caller.subject.can_read_members(&org.id)).then(|| caller.user_id());
            Ok(store::members::list(c, &org.id, &filter, only_self)?)
        })
        .await?;
    Ok(crate::json::ok(&members))
}

/// `GET /organizations/{org}/paginated-members`: `q` with the users search language (400
/// `Invalid user search query.`), then `limit` (0 = all), `offset`, `after_id`; ordered by
/// `lower(username)`; `count` is the number of matching members (0 on an empty page).
async fn paginated_members(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let org_value = path.into_inner();
    let pairs = query_string::pairs(&req)?;
    let (members, count) = state
        .db
        .read(move |c| {
            let org = resolve_org(c, &caller, &org_value)?;
            let filter = crate::search::users::parse(query_string::q(&pairs))?;
            let page = pagination::parse(&pairs)?;
            if !caller.subject.can_read_members(&org.id) {
                return Err(ApiError::not_found());
            }
            Ok(store::members::paginated(c, &org.id, &filter, &page)?)
        })
        .await?;
    let count = if members.is_empty() { 0 } else { count };
    Ok(crate::json::ok(&PaginatedMembersResponse {
        members,
        count,
    }))
}

async fn get_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (org_value, user_value) = path.into_inner();
    let (_, member) = state
        .db
        .read(move |c| resolve_member(c, &caller, &org_value, &user_value))
        .await?;
    Ok(crate::json::ok(&member))
}

/// `POST .../members/{user}` → 200 `OrganizationMember`. Adding needs site-wide user read to
/// resolve `{user}` (else 400) and member management in the org (else 404). Failed attempts
/// leave no audit row (Coder's old and new resources are both empty then).
async fn add_member(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (org_value, user_value) = path.into_inner();
    let member = state
        .db
        .write(move |tx| {
            let org = resolve_org(tx, &caller, &org_value)?;
            let user_id = resolve_user(tx, &caller, &user_value)?;
            if !caller.subject.can_look_up_user_for_membership(&user_id) {
                return Err(crate::api::params::user_not_found(&user_value));
            }
            let user = store::users::get_by_id(tx, &user_id)?
                .ok_or_else(|| crate::api::params::user_not_found(&user_value))?;
            if !caller.subject.can_manage_members(&org.id) {
                return Err(ApiError::not_found());
            }
            if store::members::membership(tx, &org.id, &user_id)?.is_some() {
                return Err(
                    ApiError::bad_request("User is already an organization member").detail(
                        format!(
                            "{} is already a member of {}",
                            user.username, org.display_name
                        ),
                    ),
                );
            }
            store::orgs::add_member(tx, &org.id, &user_id, now_micros())?;
            let member = store::members::membership(tx, &org.id, &user_id)?
                .ok_or_else(|| ApiError::internal("membership vanished"))?;
            let mut rec = AuditRecord::new(
                caller.user_id(),
                AuditAction::Create,
                ResourceType::OrganizationMember,
            )
            .resource(&user_id, &user.username)
            .org(&org.id);
            rec.diff = audit::diff::compute(
                &audit_json_zero(),
                &audit_json(&member, &user.username),
                &audit::fields::ORGANIZATION_MEMBER,
            );
            audit::insert(tx, &meta, &rec)?;
            Ok(member)
        })
        .await?;
    Ok(crate::json::ok(&member))
}

/// For changes to an existing membership: resolves it outside the audited transaction
/// (Coder's middleware errors leave no audit row) and starts its audit record.
async fn resolve_for_change(
    state: &AppState,
    caller: &Caller,
    path: (String, String),
    action: AuditAction,
) -> ApiResult<(Organization, OrganizationMemberWithUserData, AuditRecord)> {
    let (org_value, user_value) = path;
    let c2 = caller.clone();
    let (org, member) = state
        .db
        .read(move |c| resolve_member(c, &c2, &org_value, &user_value))
        .await?;
    let rec = AuditRecord::new(caller.user_id(), action, ResourceType::OrganizationMember)
        .resource(&member.user_id, &member.username)
        .org(&org.id);
    Ok((org, member, rec))
}

/// `DELETE .../members/{user}` → 204.
async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (org, member, mut rec) =
        resolve_for_change(&state, &caller, path.into_inner(), AuditAction::Delete).await?;
    rec.status_code = 204;
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        if member.user_id == caller.user_id() {
            return Err(ApiError::bad_request(
                "cannot remove self from an organization",
            ));
        }
        if !caller.subject.can_manage_members(&org.id) {
            return Err(ApiError::not_found());
        }
        let old = store::members::membership(tx, &org.id, &member.user_id)?
            .ok_or_else(ApiError::not_found)?;
        store::members::delete(tx, &org.id, &member.user_id)?;
        rec.diff = audit::diff::compute(
            &audit_json(&old, &member.username),
            &audit_json_zero(),
            &audit::fields::ORGANIZATION_MEMBER,
        );
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UpdateRoles {
    roles: Option<Vec<String>>,
}

/// Coder's dbauthz `UpdateMemberRoles` + `canAssignRoles`: every added or removed role
/// (the implicit `organization-member` is always in the new set) must be a built-in
/// organization role (400), the caller needs assign permission in the org (403), and must
/// be allowed to assign each of them (400).
fn check_role_change(
    caller: &Caller,
    org_id: &str,
    original: &[String],
    granted: &[String],
) -> ApiResult<()> {
    if let Some(bad) = granted.iter().find(|r| r.contains(':')) {
        return Err(ApiError::bad_request(format!(
            "attempt to assign a role {bad:?}, remove the ':<organization_id> suffix"
        )));
    }
    let mut implied: Vec<String> = granted.to_vec();
    implied.push(rbac::ORG_MEMBER.to_string());
    let added: Vec<&String> = implied.iter().filter(|r| !original.contains(r)).collect();
    let removed: Vec<&String> = original.iter().filter(|r| !implied.contains(r)).collect();
    let changed: Vec<&String> = added.iter().chain(removed.iter()).copied().collect();
    if let Some(bad) = changed.iter().find(|r| !rbac::is_org_role(r)) {
        return Err(ApiError::bad_request(format!(
            "\"{bad}:{org_id}\" is not a supported role"
        )));
    }
    if !changed.is_empty() && !caller.subject.can_manage_members(org_id) {
        return Err(ApiError::forbidden());
    }
    if let Some(bad) = changed
        .iter()
        .find(|r| !caller.subject.can_assign_org_role(org_id, r))
    {
        return Err(ApiError::bad_request(format!(
            "not authorized to assign role \"{bad}:{org_id}\""
        )));
    }
    Ok(())
}

/// `PUT .../members/{user}/roles` → 200 `OrganizationMember`.
async fn update_member_roles(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let (org, member, rec) =
        resolve_for_change(&state, &caller, path.into_inner(), AuditAction::Write).await?;
    let updated = audit::audited(&state.db, meta, rec, move |tx, rec| {
        if member.user_id == caller.user_id() {
            return Err(
                ApiError::bad_request("You cannot change your own organization roles.").detail(
                    "Another user with the appropriate permissions must change your roles.",
                ),
            );
        }
        let req: UpdateRoles = parse_body(&body)?;
        let mut granted: Vec<String> = Vec::new();
        for r in req.roles.unwrap_or_default() {
            if !granted.contains(&r) {
                granted.push(r);
            }
        }
        let old = store::members::membership(tx, &org.id, &member.user_id)?
            .ok_or_else(ApiError::not_found)?;
        let original: Vec<String> = old.roles.iter().map(|r| r.name.clone()).collect();
        check_role_change(&caller, &org.id, &original, &granted)?;
        store::members::set_roles(tx, &org.id, &member.user_id, &granted, now_micros())?;
        let new = store::members::membership(tx, &org.id, &member.user_id)?
            .ok_or_else(ApiError::not_found)?;
        rec.diff = audit::diff::compute(
            &audit_json(&old, &member.username),
            &audit_json(&new, &member.username),
            &audit::fields::ORGANIZATION_MEMBER,
        );
        Ok(new)
    })
    .await?;
    Ok(crate::json::ok(&updated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rbac::Subject;
    use std::collections::BTreeMap;

    fn caller(site: &[&str], org_roles: &[&str]) -> Caller {
        let mut orgs = BTreeMap::new();
        orgs.insert(
            "o".to_string(),
            org_roles.iter().map(|s| s.to_string()).collect(),
        );
        Caller {
            subject: Subject {
                user_id: "me".into(),
                site_roles: site.iter().map(|s| s.to_string()).collect(),
                org_roles: orgs,
            },
            username: "me".into(),
            email: "me@x".into(),
            key_id: "k".into(),
            login_type: "password".into(),
        }
    }

    #[test]
    fn role_change_rules() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let owner = caller(&[rbac::OWNER], &[]);
        assert!(check_role_change(&owner, "o", &[], &s(&[rbac::ORG_ADMIN])).is_ok());
        let e = check_role_change(&owner, "o", &[], &s(&["owner"])).unwrap_err();
        assert_eq!(e.message, "\"owner:o\" is not a supported role");
        let e = check_role_change(&owner, "o", &[], &s(&["a:b"])).unwrap_err();
        assert!(e.message.starts_with("attempt to assign a role \"a:b\""));
        let auditor = caller(&[rbac::AUDITOR], &[]);
        let e = check_role_change(&auditor, "o", &[], &[]).unwrap_err();
        assert_eq!(e.status.as_u16(), 403);
        let oua = caller(&[], &[rbac::ORG_USER_ADMIN]);
        assert!(check_role_change(&oua, "o", &[], &[]).is_ok());
        let e = check_role_change(&oua, "o", &[], &s(&[rbac::ORG_AUDITOR])).unwrap_err();
        assert_eq!(
            e.message,
            "not authorized to assign role \"organization-auditor:o\""
        );
    }
}

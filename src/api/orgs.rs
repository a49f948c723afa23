//! Organizations: list, create, read, update, delete (Coder's `coderd/organizations.go` and
//! `enterprise/coderd/organizations.go`).

use crate::api::extract::parse_body;
use crate::api::params::resolve_org;
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{new_uuid, Organization};
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::timefmt::{format_micros, now_micros};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organizations", web::get().to(list_orgs))
        .route("/organizations", web::post().to(create_org))
        .route("/organizations/{organization}", web::get().to(get_org))
        .route("/organizations/{organization}", web::patch().to(patch_org))
        .route(
            "/organizations/{organization}",
            web::delete().to(delete_org),
        );
}

/// `codersdk.DefaultOrganization`: a reserved name that always means the default org.
const RESERVED_NAME: &str = "default";

/// Coder's `codersdk.NameValid` (the `organization_name` validator).
fn name_valid(name: &str) -> bool {
    crate::users::names::validate_username(name).is_ok() && name != "new" && name != "create"
}

/// Coder's `codersdk.DisplayNameValid`: ≤ 64 bytes matching `^[^\s](.*[^\s])?$` (Go's `\s`
/// is `[\t\n\f\r ]` and `.` does not match a newline).
fn display_name_valid(s: &str) -> bool {
    let ws = |c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
    if s.is_empty() {
        return true;
    }
    s.len() <= 64 && !s.starts_with(ws) && !s.ends_with(ws) && !s.contains('\n')
}

fn tag_failed(field: &str, tag: &str, value: &str) -> Validation {
    Validation::new(
        field,
        format!("Validation failed for tag {tag:?} with value: \"{value}\""),
    )
}

fn validate_names(name: &str, name_required: bool, display_name: &str) -> ApiResult<()> {
    let mut v = Vec::new();
    if name.is_empty() {
        if name_required {
            v.push(Validation::required("name"));
        }
    } else if !name_valid(name) {
        v.push(tag_failed("name", "organization_name", name));
    }
    if !display_name_valid(display_name) {
        v.push(tag_failed(
            "display_name",
            "organization_display_name",
            display_name,
        ));
    }
    if !v.is_empty() {
        return Err(ApiError::validation_failed(v));
    }
    if name == RESERVED_NAME {
        return Err(ApiError::bad_request(format!(
            "Organization name {RESERVED_NAME:?} is reserved."
        )));
    }
    Ok(())
}

/// The organization as its audit diff sees it (Coder's `database.Organization` JSON).
/// `None` is Go's zero value, which stands for "did not exist" on create and delete.
fn audit_json_opt(org: Option<&Organization>) -> Value {
    let Some(org) = org else {
        return json!({
            "name": "", "display_name": "", "description": "", "icon": "", "is_default": false,
            "deleted": false, "updated_at": format_micros(crate::timefmt::ZERO_TIME_MICROS),
        });
    };
    json!({
        "name": org.name, "display_name": org.display_name, "description": org.description,
        "icon": org.icon, "is_default": org.is_default, "deleted": false,
        "updated_at": format_micros(org.updated_at),
    })
}

fn audit_json(org: &Organization) -> Value {
    audit_json_opt(Some(org))
}

async fn list_orgs(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let orgs = state
        .db
        .read(move |c| {
            let all = store::orgs::list(c)?;
            Ok(all
                .into_iter()
                .filter(|o| caller.subject.can_read_org(&o.id))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(crate::json::ok(&orgs))
}

async fn get_org(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let org = state
        .db
        .read(move |c| resolve_org(c, &caller, &value))
        .await?;
    Ok(crate::json::ok(&org))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateOrganizationRequest {
    name: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    icon: Option<String>,
}

/// `POST /organizations` → 201. The creator becomes a plain member (no saved roles), as
/// Coder does. Failed attempts leave no audit row (Coder records nothing when both the old
/// and the new resource are empty).
async fn create_org(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let req: CreateOrganizationRequest = parse_body(&body)?;
    let name = req.name.unwrap_or_default();
    let display_name = req.display_name.unwrap_or_default();
    validate_names(&name, true, &display_name)?;
    let org = state
        .db
        .write(move |tx| {
            if let Some(existing) = store::orgs::by_name(tx, &name)? {
                if caller.subject.can_read_org(&existing.id) {
                    return Err(ApiError::conflict(
                        "Organization already exists with that name.",
                    ));
                }
            }
            if !caller.subject.can_create_org() {
                return Err(ApiError::forbidden());
            }
            let now = now_micros();
            let org = Organization {
                id: new_uuid(),
                display_name: if display_name.is_empty() {
                    name.clone()
                } else {
                    display_name
                },
                name,
                description: req.description.unwrap_or_default(),
                icon: req.icon.unwrap_or_default(),
                created_at: now,
                updated_at: now,
                is_default: false,
                default_org_member_roles: Vec::new(),
            };
            store::orgs::insert(tx, &org).map_err(|e| {
                let e = ApiError::from(e);
                if crate::db::is_unique_violation(&e) {
                    ApiError::conflict("Organization already exists with that name.")
                } else {
                    e
                }
            })?;
            store::orgs::add_member(tx, &org.id, caller.user_id(), now)?;
            let mut rec = AuditRecord::new(
                caller.user_id(),
                AuditAction::Create,
                ResourceType::Organization,
            )
            .resource(&org.id, &org.name)
            .org(&org.id);
            rec.status_code = 201;
            rec.diff = audit::diff::compute(
                &audit_json_opt(None),
                &audit_json(&org),
                &audit::fields::ORGANIZATION,
            );
            audit::insert(tx, &meta, &rec)?;
            Ok(org)
        })
        .await?;
    Ok(crate::json::created(&org))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UpdateOrganizationRequest {
    name: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    icon: Option<String>,
}

/// `PATCH /organizations/{organization}`: empty `name`/`display_name` keep the current
/// value; `description`/`icon` change when present.
async fn patch_org(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let c2 = caller.clone();
    let old = state.db.read(move |c| resolve_org(c, &c2, &value)).await?;
    let rec = AuditRecord::new(
        caller.user_id(),
        AuditAction::Write,
        ResourceType::Organization,
    )
    .resource(&old.id, &old.name)
    .org(&old.id);
    let org = audit::audited(&state.db, meta, rec, move |tx, rec| {
        let req: UpdateOrganizationRequest = parse_body(&body)?;
        let name = req.name.unwrap_or_default();
        let display_name = req.display_name.unwrap_or_default();
        validate_names(&name, false, &display_name)?;
        let current = store::orgs::by_id(tx, &old.id)?.ok_or_else(ApiError::not_found)?;
        if !caller.subject.can_update_org(&current.id) {
            return Err(ApiError::not_found());
        }
        let mut org = current.clone();
        if !name.is_empty() {
            org.name = name.clone();
        }
        if !display_name.is_empty() {
            org.display_name = display_name;
        }
        if let Some(d) = req.description {
            org.description = d;
        }
        if let Some(i) = req.icon {
            org.icon = i;
        }
        org.updated_at = now_micros();
        let taken = store::orgs::by_name(tx, &org.name)?.is_some_and(|o| o.id != org.id);
        if taken {
            return Err(ApiError::conflict(format!(
                "Organization already exists with the name {name:?}."
            ))
            .validations(vec![Validation::new(
                "name",
                "This value is already in use and should be unique.",
            )]));
        }
        store::orgs::update(tx, &org)?;
        rec.resource_target = org.name.clone();
        rec.diff = audit::diff::compute(
            &audit_json(&current),
            &audit_json(&org),
            &audit::fields::ORGANIZATION,
        );
        Ok(org)
    })
    .await?;
    Ok(crate::json::ok(&org))
}

/// Coder's `addDetailPart`: "1 member", "2 members", nothing for zero.
fn count_part(parts: &mut Vec<String>, resource: &str, n: i64) {
    if n == 1 {
        parts.push(format!("1 {resource}"));
    } else if n > 1 {
        parts.push(format!("{n} {resource}s"));
    }
}

/// `DELETE /organizations/{organization}` → 200 `{"message":"Organization has been deleted."}`.
/// Like Coder, an organization that still holds workspaces or members other than one
/// (the caller cannot remove itself) is refused with Coder's 500 and a detail naming them.
async fn delete_org(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let c2 = caller.clone();
    let org = state.db.read(move |c| resolve_org(c, &c2, &value)).await?;
    let rec = AuditRecord::new(
        caller.user_id(),
        AuditAction::Delete,
        ResourceType::Organization,
    )
    .resource(&org.id, &org.name)
    .org(&org.id);
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        if org.is_default {
            return Err(ApiError::bad_request(
                "Default organization cannot be deleted.",
            ));
        }
        if !caller.subject.can_delete_org(&org.id) {
            return Err(ApiError::not_found());
        }
        let counts = store::orgs::resource_counts(tx, &org.id)?;
        if counts.workspaces > 0 || counts.members > 1 {
            let mut parts = Vec::new();
            count_part(&mut parts, "workspace", counts.workspaces);
            count_part(&mut parts, "member", counts.members - 1);
            // Coder answers 500 here (its database trigger refuses); the caller's request is
            // what conflicts with the organization's state, so coderlite answers 409 with
            // Coder's message and detail.
            return Err(
                ApiError::new(StatusCode::CONFLICT, "Error deleting organization.").detail(
                    format!(
                        "This organization has {} that must be deleted first.",
                        parts.join(", ")
                    ),
                ),
            );
        }
        if store::orgs::soft_delete(tx, &org.id, now_micros())? == 0 {
            return Err(ApiError::not_found());
        }
        rec.diff = audit::diff::compute(
            &audit_json(&org),
            &audit_json_opt(None),
            &audit::fields::ORGANIZATION,
        );
        Ok(())
    })
    .await?;
    Ok(crate::json::ok(
        &json!({"message": "Organization has been deleted."}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_like_codersdk() {
        assert!(name_valid("my-org-2"));
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "a_b",
            "new",
            "create",
            &"a".repeat(33),
        ] {
            assert!(!name_valid(bad), "{bad}");
        }
        assert!(display_name_valid("My Org"));
        assert!(display_name_valid(""));
        for bad in [" x", "x ", "a\nb", &"a".repeat(65)] {
            assert!(!display_name_valid(bad), "{bad:?}");
        }
    }
}

//! Path parameters shared by many routes: `{user}`, `{organization}` and `{workspace}`.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::workspace::Workspace;
use crate::model::Organization;
use crate::rbac::Subject;
use crate::store;
use crate::store::sql::Tx;
use actix_web::http::StatusCode;

/// `{user}`: `me`, a UUID, or a username (case-insensitive), non-deleted. Coder answers 400
/// for a user that does not exist.
pub fn resolve_user(conn: &Tx, caller: &Caller, value: &str) -> ApiResult<String> {
    if value == "me" {
        return Ok(caller.user_id().to_string());
    }
    store::users::resolve_id(conn, value)?.ok_or_else(|| user_not_found(value))
}

pub fn user_not_found(value: &str) -> ApiError {
    ApiError::bad_request("\"user\" must be an existing uuid or username.")
        .detail(format!("queried user={value:?}"))
}

/// Runs a `q` parser with a resolver of the organization names the caller may read (the
/// `organization:` key of the audit and connection-log queries); a database error in a
/// lookup answers as itself, not as "no such organization".
pub fn with_org_names<T>(
    conn: &Tx,
    caller: &Caller,
    parse: impl FnOnce(&mut dyn FnMut(&str) -> Option<String>) -> ApiResult<T>,
) -> ApiResult<T> {
    let mut lookup_err = None;
    let parsed = parse(&mut |name| match store::orgs::by_name(conn, name) {
        Ok(Some(org)) if caller.subject.can_read_org(&org.id) => Some(org.id),
        Ok(_) => None,
        Err(e) => {
            lookup_err = Some(e);
            None
        }
    });
    match lookup_err {
        Some(e) => Err(e.into()),
        None => parsed,
    }
}

/// `{organization}`: `default`, a UUID or a name; 404 when missing or not readable.
pub fn resolve_org(conn: &Tx, caller: &Caller, value: &str) -> ApiResult<Organization> {
    match store::orgs::resolve(conn, value)? {
        Some(org) if caller.subject.can_read_org(&org.id) => Ok(org),
        _ => Err(org_not_found(value)),
    }
}

pub fn org_not_found(value: &str) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        format!("Organization {value:?} not found."),
    )
    .detail("Provide either the organization id or name.")
}

/// `{user}` resolved as Coder's `ExtractUserParam` does under the caller's read permission:
/// a user the caller may not read answers the same 400 as one that does not exist.
pub fn resolve_readable_user(conn: &Tx, caller: &Caller, value: &str) -> ApiResult<String> {
    let id = resolve_user(conn, caller, value)?;
    let readable = match caller.subject.user_scope() {
        crate::rbac::UserScope::All => true,
        crate::rbac::UserScope::SelfAndOrgs(orgs) => {
            id == caller.user_id() || store::users::is_member_of_any(conn, &id, &orgs)?
        }
    };
    if readable {
        Ok(id)
    } else {
        Err(user_not_found(value))
    }
}

/// `{workspace}`: a UUID of a workspace the caller may read (deleted ones included);
/// otherwise 400 (not a UUID) or 404.
pub fn load_readable(conn: &Tx, subject: &Subject, value: &str) -> ApiResult<Workspace> {
    let id = crate::model::parse_uuid(value).ok_or_else(|| {
        ApiError::bad_request(format!("Invalid UUID {value:?}."))
            .detail(format!("invalid UUID length: {}", value.len()))
    })?;
    match store::workspaces::get(conn, &id)? {
        Some(w) if subject.can_read_workspace(&w.organization_id, &w.owner_id) => Ok(w),
        _ => Err(ApiError::not_found()),
    }
}

pub fn gone(ws: &Workspace) -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        format!(
            "Workspace {:?} was deleted, you can view this workspace by specifying '?deleted=true' and trying again.",
            ws.id
        ),
    )
}

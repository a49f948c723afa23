//! Account operations shared by handlers and the CLI: the first owner and admin creation.

use crate::audit::{self, AuditRecord};
use crate::auth::password;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::new_uuid;
use crate::request_meta::RequestMeta;
use crate::store;
use rusqlite::Connection;
use serde_json::json;

/// Coder's `codersdk.NameValid` for usernames: 1–32 characters of `[a-zA-Z0-9-]`, no
/// leading/trailing or double hyphen.
pub fn validate_username(name: &str) -> Result<(), String> {
    if name.len() > 32 {
        return Err("must be <= 32 characters".into());
    }
    if name.is_empty() {
        return Err("must be at least 1 character".into());
    }
    // Coder reserves these to avoid clashes with routes like /templates/new.
    if name == "new" || name == "create" {
        return Err(format!("cannot use {name:?} as a name"));
    }
    let ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if !ok {
        return Err("must be alphanumeric with hyphens".into());
    }
    Ok(())
}

/// Coder's `UserRealNameValid`: at most 128 bytes, no leading/trailing whitespace.
pub fn validate_real_name(name: &str) -> Result<(), String> {
    if name.len() > 128 {
        return Err("must be <= 128 characters".into());
    }
    if name.trim() != name {
        return Err("must not have leading or trailing whitespace".into());
    }
    Ok(())
}

/// go-playground's validation detail, as Coder's `httpapi.Read` writes it.
pub fn tag_failed(field: &str, tag: &str, value: &str) -> Validation {
    Validation::new(
        field,
        format!("Validation failed for tag {tag:?} with value: \"{value}\""),
    )
}

/// A minimal e-mail check, as Go's validator `email` tag.
pub fn validate_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !email.contains(char::is_whitespace)
        && domain.contains('.')
}

pub struct OwnerInput<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub name: &'a str,
    pub password: &'a str,
}

/// Validates owner fields; Coder answers "Validation failed." for missing/bad fields and
/// "Password is invalid" for weak passwords.
pub fn validate_owner_input(input: &OwnerInput) -> ApiResult<()> {
    let mut v = Vec::new();
    if input.email.is_empty() {
        v.push(Validation::required("email"));
    } else if !validate_email(input.email) {
        v.push(Validation::new(
            "email",
            format!(
                "Validation failed for tag \"email\" with value: {:?}",
                input.email
            ),
        ));
    }
    if input.username.is_empty() {
        v.push(Validation::required("username"));
    } else if let Err(e) = validate_username(input.username) {
        v.push(Validation::new(
            "username",
            format!(
                "Validation failed for tag \"username\" with value: {:?}: {e}",
                input.username
            ),
        ));
    }
    if input.password.is_empty() {
        v.push(Validation::required("password"));
    }
    if !v.is_empty() {
        return Err(ApiError::validation_failed(v));
    }
    if let Err(e) = password::validate(input.password) {
        return Err(ApiError::bad_request("Password is invalid")
            .validations(vec![Validation::new("password", e)]));
    }
    Ok(())
}

/// Inserts an active owner who is a member of the default organization, with its audit row.
/// Returns (user id, default organization id). Caller holds the write transaction.
pub fn insert_owner(
    conn: &Connection,
    meta: &RequestMeta,
    input: &OwnerInput,
    hashed: &str,
) -> ApiResult<(String, String)> {
    let now = crate::timefmt::now_micros();
    store::orgs::ensure_default(conn, now)?;
    let org = store::orgs::default_org(conn)?
        .ok_or_else(|| ApiError::internal("default organization missing"))?;
    if store::users::resolve_id(conn, input.username)?.is_some()
        || store::users::credentials_by_email(conn, input.email)?.is_some()
    {
        return Err(ApiError::conflict("User already exists."));
    }
    let id = new_uuid();
    let roles = vec![crate::rbac::OWNER.to_string()];
    store::user_updates::insert(
        conn,
        &store::user_updates::NewUser {
            id: &id,
            email: input.email,
            username: input.username,
            name: input.name,
            hashed_password: hashed,
            status: "active",
            login_type: "password",
            rbac_roles: &roles,
            now,
        },
    )?;
    store::orgs::add_member(conn, &org.id, &id, now)?;
    let mut rec = AuditRecord::new(&id, "create", "user").resource(&id, input.username);
    rec.diff = audit::diff::compute(
        &serde_json::Value::Null,
        &json!({"id": id, "email": input.email, "username": input.username, "name": input.name,
                "status": "active", "login_type": "password", "rbac_roles": roles, "hashed_password": "set"}),
        &crate::audit::fields::USER,
    );
    audit::insert(conn, meta, &rec)?;
    Ok((id, org.id))
}

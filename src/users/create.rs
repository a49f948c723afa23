//! The one home of user creation: the row, its memberships and its audit record's resource
//! and diff, in the caller's write transaction. `POST /users` checks its request in Coder's
//! order first; owners (the first user, `--first-user-*`, `create-admin-user`) go through
//! `create_owner`.

use super::names::{validate_email, validate_username};
use crate::audit::{self, AuditRecord};
use crate::auth::password;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{new_uuid, LoginType, UserStatus};
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::store;
use crate::store::sql::Tx;
use serde_json::Value;

/// A user to create, checked by the caller.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub name: &'a str,
    /// Empty for users without a password.
    pub hashed_password: &'a str,
    pub status: UserStatus,
    pub login_type: LoginType,
    pub roles: &'a [String],
    /// Organizations to join (ids that exist).
    pub orgs: &'a [String],
    pub service_account: bool,
}

/// Inserts the user and its memberships, and fills `rec` with the user's id, username and
/// creation diff. A username or e-mail taken meanwhile answers 409 `User already exists.`
pub fn create(conn: &Tx, rec: &mut AuditRecord, u: &NewUser) -> ApiResult<String> {
    let id = new_uuid();
    let now = crate::timefmt::now_micros();
    store::user_updates::insert(
        conn,
        &store::user_updates::NewUser {
            id: &id,
            email: u.email,
            username: u.username,
            name: u.name,
            hashed_password: u.hashed_password,
            status: u.status.as_str(),
            login_type: u.login_type.as_str(),
            rbac_roles: u.roles,
            now,
        },
    )
    .map_err(|e| {
        if e.is_constraint_violation() {
            already_exists()
        } else {
            e.into()
        }
    })?;
    if u.service_account {
        store::user_updates::set_service_account(conn, &id)?;
    }
    for org in u.orgs {
        store::orgs::add_member(conn, org, &id, now)?;
    }
    let view = store::users::audit_view(conn, &id)?.unwrap_or(Value::Null);
    rec.resource_id = id.clone();
    rec.resource_target = u.username.to_string();
    rec.diff = audit::diff::compute(&Value::Null, &view, &audit::fields::USER);
    Ok(id)
}

fn already_exists() -> ApiError {
    ApiError::conflict("User already exists.")
}

/// An owner's fields as the first-user endpoint and the CLI take them.
pub struct OwnerInput<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub name: &'a str,
    pub password: &'a str,
}

/// Validates owner fields; Coder answers "Validation failed." for missing/bad fields and
/// "Password is invalid" for weak passwords.
pub fn validate_owner(input: &OwnerInput) -> ApiResult<()> {
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

/// Creates an active owner, member of the default organization, and writes its audit row
/// (actor: the new owner). Returns (user id, default organization id). Caller holds the write
/// transaction; `hashed` is the argon2id hash of the validated password.
pub fn create_owner(
    conn: &Tx,
    meta: &RequestMeta,
    input: &OwnerInput,
    hashed: &str,
) -> ApiResult<(String, String)> {
    store::orgs::ensure_default(conn, crate::timefmt::now_micros())?;
    let org = store::orgs::default_org(conn)?
        .ok_or_else(|| ApiError::internal("default organization missing"))?;
    if store::users::find_by_username_or_email(conn, input.username, input.email)?.is_some() {
        return Err(already_exists());
    }
    let roles = [crate::rbac::OWNER.to_string()];
    // The actor is the new owner itself; `create` fills in the resource and diff.
    let mut rec = AuditRecord::new(
        crate::model::NIL_UUID,
        AuditAction::Create,
        ResourceType::User,
    );
    let id = create(
        conn,
        &mut rec,
        &NewUser {
            email: input.email,
            username: input.username,
            name: input.name,
            hashed_password: hashed,
            status: UserStatus::Active,
            login_type: LoginType::Password,
            roles: &roles,
            orgs: std::slice::from_ref(&org.id),
            service_account: false,
        },
    )?;
    rec.user_id = id.clone();
    audit::insert(conn, meta, &rec)?;
    Ok((id, org.id))
}

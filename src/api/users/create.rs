//! `POST /users` (Coder's `CreateUserRequestWithOrgs`), checks in Coder's order.

use super::{load_user, user_record};
use crate::api::extract::parse_body;
use crate::audit;
use crate::auth::{password, Caller};
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::AuditAction;
use crate::model::{parse_uuid, LoginType, UserStatus, NIL_UUID};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::users;
use crate::users::names::{tag_failed, validate_email, validate_real_name, validate_username};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// Every field optional: clients send `null` for what they do not set; unknown fields are
/// ignored; the deprecated `organization_id` and `disable_login` are honoured.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateUserBody {
    email: Option<String>,
    username: Option<String>,
    name: Option<String>,
    password: Option<String>,
    login_type: Option<String>,
    user_status: Option<String>,
    organization_ids: Option<Vec<String>>,
    organization_id: Option<String>,
    disable_login: Option<bool>,
    roles: Option<Vec<String>>,
    service_account: Option<bool>,
}

/// The request after the checks that need no database.
struct Checked {
    email: String,
    username: String,
    name: String,
    password: String,
    login_type: String,
    status: String,
    org_ids: Vec<String>,
    roles: Vec<String>,
    service_account: bool,
    /// Error to answer before any database check.
    early: Option<ApiError>,
    /// Error to answer after the existence checks (login type, password strength).
    late: Option<ApiError>,
}

fn uuid_list(values: Vec<String>) -> ApiResult<Vec<String>> {
    values
        .into_iter()
        .map(|v| {
            parse_uuid(&v).ok_or_else(|| {
                let why = if v.len() != 36 && v.len() != 32 {
                    format!("invalid UUID length: {}", v.len())
                } else {
                    "invalid UUID format".to_string()
                };
                ApiError::invalid_json(why)
            })
        })
        .collect()
}

fn check(b: CreateUserBody) -> ApiResult<Checked> {
    let mut org_ids = uuid_list(b.organization_ids.unwrap_or_default())?;
    if let Some(legacy) = b.organization_id {
        org_ids.extend(uuid_list(vec![legacy])?);
    }
    let service_account = b.service_account.unwrap_or(false);
    let mut c = Checked {
        email: b.email.unwrap_or_default(),
        username: b.username.unwrap_or_default(),
        name: b.name.unwrap_or_default(),
        password: b.password.unwrap_or_default(),
        login_type: b.login_type.unwrap_or_default(),
        status: b.user_status.unwrap_or_default(),
        org_ids,
        roles: b.roles.unwrap_or_default(),
        service_account,
        early: None,
        late: None,
    };
    c.early = early_error(&mut c, b.disable_login.unwrap_or(false)).err();
    if c.early.is_none() {
        c.late = late_error(&c).err();
    }
    Ok(c)
}

/// Struct validation, service-account rules, login-type defaulting, organizations present.
fn early_error(c: &mut Checked, disable_login: bool) -> ApiResult<()> {
    let mut v: Vec<Validation> = Vec::new();
    if !c.service_account {
        if c.email.is_empty() {
            v.push(Validation::required("email"));
        } else if !validate_email(&c.email) {
            v.push(tag_failed("email", "email", &c.email));
        }
    }
    if c.username.is_empty() {
        v.push(Validation::required("username"));
    } else if validate_username(&c.username).is_err() {
        v.push(tag_failed("username", "username", &c.username));
    }
    if validate_real_name(&c.name).is_err() {
        v.push(tag_failed("name", "user_real_name", &c.name));
    }
    if !c.status.is_empty() && UserStatus::parse(&c.status).is_none() {
        v.push(tag_failed("user_status", "user_status", &c.status));
    }
    if !v.is_empty() {
        return Err(ApiError::validation_failed(v));
    }
    if c.service_account {
        if !c.login_type.is_empty() && c.login_type != LoginType::None.as_str() {
            return Err(ApiError::bad_request(
                "Service accounts must use login type 'none'.",
            ));
        }
        if !c.password.is_empty() {
            return Err(ApiError::bad_request(
                "Password cannot be set for service accounts.",
            ));
        }
        if !c.email.is_empty() {
            return Err(ApiError::bad_request(
                "Email cannot be set for service accounts.",
            ));
        }
        c.login_type = LoginType::None.as_str().into();
    }
    if c.login_type.is_empty() {
        c.login_type = if disable_login {
            LoginType::None
        } else {
            LoginType::Password
        }
        .as_str()
        .into();
    }
    if c.login_type != LoginType::Password.as_str() && !c.password.is_empty() {
        return Err(ApiError::bad_request(format!(
            "Password cannot be set for non-password ({:?}) authentication.",
            c.login_type
        )));
    }
    if c.org_ids.is_empty() {
        return Err(ApiError::bad_request(
            "No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.",
        )
        .detail("required at least 1 value for the array 'organization_ids'")
        .validations(vec![Validation::new(
            "organization_ids",
            "Missing values, this cannot be empty",
        )]));
    }
    Ok(())
}

/// Login-type support and password strength (answered after the existence checks).
fn late_error(c: &Checked) -> ApiResult<()> {
    match LoginType::parse(&c.login_type) {
        Some(LoginType::None | LoginType::Github) => Ok(()),
        Some(LoginType::Password) => password::validate(&c.password).map_err(|e| {
            ApiError::bad_request("Password not strong enough!")
                .validations(vec![Validation::new("password", e)])
        }),
        Some(LoginType::Oidc) => Err(ApiError::bad_request(
            "You must configure OIDC before creating OIDC users.",
        )),
        Some(LoginType::Token) | None => Err(ApiError::bad_request(format!(
            "Unsupported login type {:?} for manually creating new users.",
            c.login_type
        ))),
    }
}

pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let c = check(parse_body::<CreateUserBody>(&bytes)?)?;
    let hashed =
        if c.early.is_none() && c.late.is_none() && c.login_type == LoginType::Password.as_str() {
            let pw = c.password.clone();
            Some(
                web::block(move || password::hash(&pw))
                    .await?
                    .map_err(ApiError::internal)?,
            )
        } else {
            None
        };
    let rec = user_record(&caller, AuditAction::Create);
    let user = audit::audited(&state.db, meta, rec, move |tx, rec| {
        let mut c = c;
        if let Some(e) = c.early.take() {
            return Err(e);
        }
        if !caller.subject.can_manage_users() {
            return Err(ApiError::forbidden_msg(
                "You are not authorized to create users.",
            ));
        }
        if store::users::find_by_username_or_email(tx, &c.username, &c.email)?.is_some() {
            return Err(ApiError::conflict("User already exists."));
        }
        let default_org = store::orgs::default_org(tx)?;
        let mut orgs: Vec<String> = Vec::new();
        for id in &c.org_ids {
            let resolved = if id == NIL_UUID {
                default_org.as_ref().map(|o| o.id.clone())
            } else {
                store::orgs::existing_orgs(tx, std::slice::from_ref(id))?
                    .into_iter()
                    .next()
            };
            let Some(org) = resolved else {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("Organization does not exist with the provided id {id:?}."),
                ));
            };
            if !orgs.contains(&org) {
                orgs.push(org);
            }
        }
        if let Some(e) = c.late.take() {
            return Err(e);
        }
        let mut roles: Vec<String> = Vec::new();
        for r in c.roles.iter().filter(|r| *r != crate::rbac::MEMBER) {
            if !caller.subject.can_assign_site_role(r) {
                return Err(ApiError::forbidden());
            }
            if !roles.contains(r) {
                roles.push(r.clone());
            }
        }
        let id = users::create(
            tx,
            rec,
            &users::NewUser {
                email: &c.email,
                username: &c.username,
                name: c.name.trim(),
                hashed_password: hashed.as_deref().unwrap_or(""),
                // Both were checked above: the status is valid or empty (a new user is dormant),
                // the login type one of those `late_error` lets through.
                status: UserStatus::parse(&c.status).unwrap_or(UserStatus::Dormant),
                login_type: LoginType::parse(&c.login_type)
                    .ok_or_else(|| ApiError::internal("unchecked login type"))?,
                roles: &roles,
                orgs: &orgs,
                service_account: c.service_account,
            },
        )?;
        rec.status_code = 201;
        load_user(tx, &id)
    })
    .await?;
    Ok(crate::json::created(&user))
}

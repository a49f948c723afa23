//! Sessions: first user, password login, logout, auth methods.

use crate::audit::{self, AuditRecord};
use crate::auth::caller::SESSION_COOKIE;
use crate::auth::{password, token, Caller};
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{AuditAction, ResourceType};
use crate::model::{LoginType, UserStatus};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::store::api_keys::ApiKeyRow;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use crate::timefmt::now_micros;
use crate::users::{self, OwnerInput};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/first", web::get().to(get_first_user))
        .route("/users/first", web::post().to(post_first_user))
        .route("/users/login", web::post().to(login))
        .route("/users/logout", web::post().to(logout))
        .route("/users/authmethods", web::get().to(auth_methods));
}

async fn get_first_user(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let n = state
        .db
        .read(|c| Ok(store::users::count_humans(c)?))
        .await?;
    if n == 0 {
        return Err(ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "The initial user has not been created!",
        ));
    }
    Ok(crate::json::ok(
        &json!({"message": "The initial user has already been created!"}),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateFirstUserRequest {
    email: Option<String>,
    username: Option<String>,
    name: Option<String>,
    password: Option<String>,
}

async fn post_first_user(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: crate::api::extract::Body<CreateFirstUserRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let (email, username, name, pass) = (
        b.email.unwrap_or_default(),
        b.username.unwrap_or_default(),
        b.name.unwrap_or_default(),
        b.password.unwrap_or_default(),
    );
    let exists = state
        .db
        .read(|c| Ok(store::users::count_humans(c)? > 0))
        .await?;
    if exists {
        return Err(ApiError::conflict(
            "The initial user has already been created.",
        ));
    }
    let input = OwnerInput {
        email: &email,
        username: &username,
        name: &name,
        password: &pass,
    };
    users::validate_owner(&input)?;
    let hashed = web::block(move || password::hash(&pass))
        .await?
        .map_err(ApiError::internal)?;
    let (user_id, org_id) = state
        .db
        .write(move |tx| {
            if store::users::count_humans(tx)? > 0 {
                return Err(ApiError::conflict(
                    "The initial user has already been created.",
                ));
            }
            let input = OwnerInput {
                email: &email,
                username: &username,
                name: &name,
                password: "",
            };
            users::create_owner(tx, &meta, &input, &hashed)
        })
        .await?;
    Ok(crate::json::created(
        &json!({"user_id": user_id, "organization_id": org_id}),
    ))
}

/// Inserts a new API key row and returns the full token. Shared by login and `POST /keys`.
pub fn insert_key(
    conn: &Tx,
    user_id: &str,
    login_type: &str,
    lifetime_secs: i64,
    token_name: &str,
    ip: &str,
) -> DbResult<(ApiKeyRow, String)> {
    let (id, secret, full) = token::generate();
    let now = now_micros();
    let row = ApiKeyRow {
        id,
        hashed_secret: token::hash_secret(&secret),
        user_id: user_id.to_string(),
        login_type: login_type.to_string(),
        lifetime_seconds: lifetime_secs,
        token_name: token_name.to_string(),
        scopes: "[\"all\"]".into(),
        ip_address: ip.to_string(),
        created_at: now,
        updated_at: now,
        last_used: now,
        expires_at: now + lifetime_secs * 1_000_000,
    };
    store::api_keys::insert(conn, &row)?;
    Ok((row, full))
}

/// The session cookie is `Secure` when configured so, or when the request came over TLS.
fn secure_cookie(state: &AppState, meta: &RequestMeta) -> bool {
    state.config.secure_cookies || meta.https
}

pub fn session_cookie(value: &str, max_age_secs: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(CookieDuration::seconds(max_age_secs))
        .finish()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginRequest {
    email: Option<String>,
    password: Option<String>,
}

async fn login(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: crate::api::extract::Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let (email, pass) = (b.email.unwrap_or_default(), b.password.unwrap_or_default());
    let mut v = Vec::new();
    if email.is_empty() {
        v.push(Validation::required("email"));
    } else if !users::names::validate_email(&email) {
        v.push(Validation::new(
            "email",
            format!("Validation failed for tag \"email\" with value: {email:?}"),
        ));
    }
    if pass.is_empty() {
        v.push(Validation::required("password"));
    }
    if !v.is_empty() {
        return Err(ApiError::validation_failed(v));
    }
    let keys = vec![
        format!("ip:{}", meta.ip.as_deref().unwrap_or("")),
        format!("account:{}", email.to_lowercase()),
    ];
    if let Err(wait) = state.login_limiter.check(&keys) {
        return Err(ApiError::too_many_requests(
            "Too many login attempts. Please wait and try again.",
            wait,
        ));
    }
    let lookup_email = email.clone();
    let creds = state
        .db
        .read(move |c| Ok(store::users::credentials_by_email(c, &lookup_email)?))
        .await?;
    let stored_hash = creds.as_ref().map(|c| c.1.clone()).unwrap_or_default();
    let ok = web::block(move || password::verify(&pass, &stored_hash)).await?;
    let Some((user_id, _, status, login_type)) = creds else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "Incorrect email or password.",
        ));
    };
    let lifetime = state.config.session_lifetime_secs;
    let ip = meta.ip.clone().unwrap_or_default();
    let secure = secure_cookie(&state, &meta);
    let rec =
        AuditRecord::new(&user_id, AuditAction::Login, ResourceType::ApiKey).resource(&user_id, "");
    let token = audit::audited(&state.db, meta, rec, move |tx, _rec| {
        if !ok {
            return Err(ApiError::new(actix_web::http::StatusCode::UNAUTHORIZED, "Incorrect email or password."));
        }
        if login_type != LoginType::Password.as_str() {
            return Err(ApiError::forbidden_msg(format!(
                "Incorrect login type, attempting to use \"password\" but user is of login type \"{login_type}\""
            )));
        }
        if status == UserStatus::Suspended.as_str() {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                "Your account is suspended. Contact an admin to reactivate your account.",
            ));
        }
        // Signing in is being seen: a dormant account wakes up, and `last_seen_at` is set now
        // (the per-request bookkeeping only refreshes it once an hour per key).
        store::user_updates::mark_seen(tx, &user_id, now_micros())?;
        let (_, full) = insert_key(tx, &user_id, LoginType::Password.as_str(), lifetime, "", &ip)?;
        Ok(full)
    })
    .await?;
    Ok(HttpResponse::Created()
        .cookie(session_cookie(&token, lifetime, secure))
        .content_type("application/json; charset=utf-8")
        .body(crate::json::to_coder_json(&json!({"session_token": token}))))
}

async fn logout(
    state: web::Data<AppState>,
    meta: RequestMeta,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let key_id = caller.key_id.clone();
    let secure = secure_cookie(&state, &meta);
    let rec = AuditRecord::new(caller.user_id(), AuditAction::Logout, ResourceType::ApiKey)
        .resource(caller.user_id(), "");
    audit::audited(&state.db, meta, rec, move |tx, _| {
        store::api_keys::delete(tx, &key_id)?;
        Ok(())
    })
    .await?;
    let mut gone = session_cookie("", 0, secure);
    gone.make_removal();
    Ok(HttpResponse::Ok()
        .cookie(gone)
        .content_type("application/json; charset=utf-8")
        .body(crate::json::to_coder_json(
            &json!({"message": "Logged out!"}),
        )))
}

async fn auth_methods() -> HttpResponse {
    crate::json::ok(&json!({
        "terms_of_service_url": "",
        "password": {"enabled": true},
        "github": {"enabled": false, "default_provider_configured": false},
        "oidc": {"enabled": false, "signInText": "", "iconUrl": ""}
    }))
}

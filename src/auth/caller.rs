//! The `Caller` extractor: finds the session token (cookie, query parameter, header — Coder's
//! precedence), verifies it, loads the user and its roles, and keeps last-used bookkeeping.

use super::token;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::model::UserStatus;
use crate::rbac::Subject;
use crate::store;
use crate::store::sql::Tx;
use crate::timefmt;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::future::Future;
use std::pin::Pin;

pub const SESSION_COOKIE: &str = "coder_session_token";
pub const SESSION_HEADER: &str = "Coder-Session-Token";

/// Bookkeeping (last_used, last_seen_at) is written at most this often per key.
const TOUCH_INTERVAL_MICROS: i64 = 3_600_000_000;

#[derive(Debug, Clone)]
pub struct Caller {
    pub subject: Subject,
    pub username: String,
    pub email: String,
    pub key_id: String,
    pub login_type: String,
}

impl Caller {
    pub fn user_id(&self) -> &str {
        &self.subject.user_id
    }
}

/// `Some(Caller)` when a valid session was presented, `None` when no token at all was sent.
/// A token that is present but invalid still answers 401.
pub struct MaybeCaller(pub Option<Caller>);

/// The raw token from the request, in Coder's precedence order.
pub fn token_from_request(req: &HttpRequest) -> Option<String> {
    if let Some(c) = req.cookie(SESSION_COOKIE) {
        if !c.value().is_empty() {
            return Some(c.value().to_string());
        }
    }
    if let Some(v) = crate::search::query_string::first(req, SESSION_COOKIE) {
        if !v.is_empty() {
            return Some(v);
        }
    }
    req.headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

struct Loaded {
    caller: Caller,
    needs_touch: Option<i64>, // new expiry when bookkeeping is due
}

fn load(conn: &Tx, token: &str, now: i64) -> ApiResult<Loaded> {
    let (id, secret) = token::split(token)
        .map_err(|e| ApiError::unauthorized(format!("Invalid API key format: {e}")))?;
    let store::api_keys::Session {
        key,
        user,
        org_roles,
    } = store::api_keys::session(conn, id)?
        .ok_or_else(|| ApiError::unauthorized("API key is invalid."))?;
    if !token::secret_matches(secret, &key.hashed_secret) {
        return Err(ApiError::unauthorized("API key secret is invalid."));
    }
    if key.expires_at <= now {
        return Err(ApiError::unauthorized(format!(
            "API key expired at \"{}\".",
            timefmt::format_go_string(key.expires_at)
        )));
    }
    let store::users::SessionUser {
        username,
        email,
        status,
        site_roles,
    } = user.ok_or_else(|| ApiError::unauthorized("API key is invalid."))?;
    if status == UserStatus::Suspended.as_str() {
        // Coder sends this text as the message itself, without the signed-out message.
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            format!(
                "User is not active (status = \"{status}\"). Contact an admin to reactivate your account."
            ),
        ));
    }
    let needs_touch =
        if now - key.last_used >= TOUCH_INTERVAL_MICROS || status == UserStatus::Dormant.as_str() {
            let lifetime = key.lifetime_seconds * 1_000_000;
            // Sessions slide; long-lived tokens keep their expiry.
            let expiry = if key.login_type != "token"
                && key.expires_at - now <= lifetime - TOUCH_INTERVAL_MICROS
            {
                now + lifetime
            } else {
                key.expires_at
            };
            Some(expiry)
        } else {
            None
        };
    Ok(Loaded {
        caller: Caller {
            subject: Subject {
                user_id: key.user_id.clone(),
                site_roles,
                org_roles,
            },
            username,
            email,
            key_id: key.id,
            login_type: key.login_type,
        },
        needs_touch,
    })
}

async fn authenticate(req: HttpRequest) -> ApiResult<Option<Caller>> {
    let Some(token) = token_from_request(&req) else {
        return Ok(None);
    };
    let db = req
        .app_data::<web::Data<Db>>()
        .ok_or_else(|| ApiError::internal("database missing"))?
        .clone();
    let now = timefmt::now_micros();
    let loaded = db.lookup(move |conn| load(conn, &token, now)).await?;
    if let Some(expiry) = loaded.needs_touch {
        let ip = crate::request_meta::peer_ip(&req).unwrap_or_default();
        let key_id = loaded.caller.key_id.clone();
        let user_id = loaded.caller.subject.user_id.clone();
        db.write(move |tx| {
            store::api_keys::touch(tx, &key_id, now, &ip, expiry)?;
            store::user_updates::mark_seen(tx, &user_id, now)?;
            Ok(())
        })
        .await?;
    }
    Ok(Some(loaded.caller))
}

const NO_TOKEN_DETAIL: &str = "Cookie \"coder_session_token\" or query parameter must be provided.";

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let caller = authenticate(req.clone())
                .await?
                .ok_or_else(|| ApiError::unauthorized(NO_TOKEN_DETAIL))?;
            req.extensions_mut().insert(caller.clone());
            Ok(caller)
        })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeCaller(authenticate(req).await?)) })
    }
}

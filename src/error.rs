//! One error type for every handler, rendered as Coder's `codersdk.Response`:
//! `{"message", "detail"?, "validations"?}`. The client sees Coder's words; the log sees the cause.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

/// One `{field, detail}` entry of a 400 response.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Validation {
    pub field: String,
    pub detail: String,
}

impl Validation {
    pub fn new(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Validation {
            field: field.into(),
            detail: detail.into(),
        }
    }

    /// Coder's go-playground validator text for a missing required field.
    pub fn required(field: &str) -> Self {
        Validation::new(
            field,
            "Validation failed for tag \"required\" with value: \"\"",
        )
    }
}

#[derive(Debug, Serialize)]
struct Body<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Validation]>::is_empty")]
    validations: &'a [Validation],
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub detail: Option<String>,
    pub validations: Vec<Validation>,
    /// Seconds for a `Retry-After` header (503 and 429).
    pub retry_after: Option<u64>,
    /// Logged, never sent.
    pub cause: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

pub const NOT_FOUND_MESSAGE: &str = "Resource not found or you do not have access to this resource";
pub const FORBIDDEN_DETAIL: &str = "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.";
pub const SIGNED_OUT_MESSAGE: &str =
    "You are signed out or your session has expired. Please sign in again to continue.";

impl ApiError {
    /// Human-readable text for CLI messages: message, detail and validations.
    pub fn describe(&self) -> String {
        let mut s = self.message.clone();
        if let Some(d) = &self.detail {
            s.push_str(": ");
            s.push_str(d);
        }
        for v in &self.validations {
            s.push_str(&format!("; {}: {}", v.field, v.detail));
        }
        s
    }

    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            detail: None,
            validations: Vec::new(),
            retry_after: None,
            cause: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn validations(mut self, validations: Vec<Validation>) -> Self {
        self.validations = validations;
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// Coder's `httpapi.Read` answer when a struct tag validation fails.
    pub fn validation_failed(validations: Vec<Validation>) -> Self {
        ApiError::bad_request("Validation failed.").validations(validations)
    }

    pub fn invalid_json(detail: impl Into<String>) -> Self {
        ApiError::bad_request("Request body must be valid JSON.").detail(detail)
    }

    pub fn invalid_query(validations: Vec<Validation>) -> Self {
        ApiError::bad_request("Query parameters have invalid values.").validations(validations)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, SIGNED_OUT_MESSAGE).detail(detail)
    }

    /// Coder's `httpapi.Forbidden`.
    pub fn forbidden() -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "Forbidden.").detail(FORBIDDEN_DETAIL)
    }

    pub fn forbidden_msg(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    /// Coder's `httpapi.ResourceNotFound`.
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, NOT_FOUND_MESSAGE)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    pub fn unavailable(cause: impl Into<String>) -> Self {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is busy. Please retry shortly.",
        );
        e.retry_after = Some(1);
        e.cause = Some(cause.into());
        e
    }

    pub fn internal(cause: impl Into<String>) -> Self {
        let mut e = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "An internal server error occurred.",
        );
        e.cause = Some(cause.into());
        e
    }

    pub fn too_many_requests(message: impl Into<String>, retry_after: u64) -> Self {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, message);
        e.retry_after = Some(retry_after);
        e
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)?;
        if let Some(c) = &self.cause {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            log::error!("{self}");
        }
        let body = Body {
            message: &self.message,
            detail: self.detail.as_deref(),
            validations: &self.validations,
        };
        let mut resp = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after {
            resp.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        resp.content_type("application/json; charset=utf-8")
            .body(crate::json::to_coder_json(&body))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
                ApiError::unavailable(format!("database busy: {e}"))
            }
            _ => ApiError::internal(format!("database: {e}")),
        }
    }
}

impl From<crate::store::sql::DbError> for ApiError {
    fn from(e: crate::store::sql::DbError) -> Self {
        if e.is_busy() {
            ApiError::unavailable(format!("database busy: {e}"))
        } else if matches!(e, crate::store::sql::DbError::NulText) {
            ApiError::bad_request(
                "Text fields cannot contain the NUL character (\\u0000) when coderlite runs on PostgreSQL.",
            )
        } else {
            ApiError::internal(format!("database: {e}"))
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::unavailable(format!("connection pool: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::unavailable(format!("blocking pool: {e}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::internal(format!("json: {e}"))
    }
}

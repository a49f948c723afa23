//! Extractor configuration: malformed JSON, query strings and path parameters answer in
//! Coder's error shape, and bodies over 1 MiB answer 413.

use crate::error::{ApiError, Validation};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::web;

pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .content_type_required(false)
        .error_handler(|err, _req| {
            let e = match &err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.").detail(
                        format!("The request body must not exceed {BODY_LIMIT} bytes."),
                    )
                }
                other => ApiError::invalid_json(other.to_string()),
            };
            e.into()
        })
}

pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(BODY_LIMIT)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::invalid_query(vec![Validation::new("query", err.to_string())]).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::bad_request("Invalid path parameter.")
            .detail(err.to_string())
            .into()
    })
}

/// Parses a JSON body leniently for clients that send `null` for unset optional fields.
/// Use `web::Json<T>` with `#[serde(default)]` fields; this is for raw `Bytes` bodies.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.len() > BODY_LIMIT {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request body too large.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_json(e.to_string()))
}

//! Extractor configuration: malformed JSON, query strings and path parameters answer in
//! Coder's error shape, and bodies over 1 MiB answer 413.

use crate::error::{ApiError, Validation};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpRequest, ResponseError};
use std::future::Future;
use std::pin::Pin;

pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .content_type_required(false)
        .error_handler(|err, _req| {
            let e = match &err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => too_large(),
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

fn too_large() -> ApiError {
    too_large_for(BODY_LIMIT)
}

fn too_large_for(limit: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.")
        .detail(format!("The request body must not exceed {limit} bytes."))
}

/// The raw body of a fixture endpoint whose limit is larger than the API's 1 MiB (batches of
/// thousands of rows): read chunk by chunk, 413 in Coder's shape past `limit`.
pub async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request("Could not read the request body.").detail(e.to_string())
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large_for(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a JSON object body (or `null`, for `Option` targets) as Coder's `httpapi.Read`
/// does: an empty body is Go's `EOF`, and a top-level array is refused as Go's decoder refuses
/// it for a struct (serde would fill a struct from a sequence). The one body parser: the
/// `Body` extractor runs it, and handlers that must resolve their path first (as Coder does)
/// take `web::Bytes` and run it themselves.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.len() > BODY_LIMIT {
        return Err(too_large());
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_json("EOF"));
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let name = std::any::type_name::<T>();
        let name = name
            .trim_end_matches('>')
            .rsplit("::")
            .next()
            .unwrap_or(name);
        return Err(ApiError::invalid_json(format!(
            "json: cannot unmarshal array into Go value of type codersdk.{name}"
        )));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_json(e.to_string()))
}

/// A JSON object body read through `parse_body` (Coder's `httpapi.Read`): use it instead of
/// `web::Json<T>`, which would accept a top-level array for a struct.
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes
                .await
                .map_err(|e| coder_error(e.as_response_error().status_code(), &e))?;
            Ok(Body(parse_body(&bytes)?))
        })
    }
}

/// An actix-internal error (payload overflow, unreadable body...) in Coder's shape.
fn coder_error(status: StatusCode, e: &dyn std::fmt::Display) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        s if s.is_client_error() => {
            ApiError::new(s, "Could not read the request.").detail(e.to_string())
        }
        _ => ApiError::internal(e.to_string()),
    }
}

/// Middleware for `/api/v2`: an error answered by actix itself (e.g. the 413 of a `Bytes`
/// body over the payload limit, which has no error handler hook) is re-rendered in Coder's
/// `{message, detail}` JSON shape; JSON answers pass through untouched.
pub async fn coder_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => return Err(coder_error(e.as_response_error().status_code(), &e).into()),
    };
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let Some(err) = res.response().error().filter(|_| !is_json) else {
        return Ok(res.map_into_left_body());
    };
    let api = coder_error(res.status(), err);
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, api.error_response()).map_into_right_body())
}

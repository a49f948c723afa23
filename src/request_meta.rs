//! Per-request metadata for audit rows (ip, user agent, request id) and the middleware that
//! assigns the request id, echoes it in `X-Request-Id`, and logs one line per request.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest};
use std::future::{ready, Ready};
use std::time::Instant;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: String,
    /// The client reached us over TLS (directly, or per `Forwarded`/`X-Forwarded-Proto` from a
    /// TLS-terminating proxy): the session cookie is then marked `Secure`.
    pub https: bool,
}

#[derive(Clone)]
struct RequestId(String);

pub fn peer_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_canonical().to_string())
}

impl RequestMeta {
    pub fn from_request(req: &HttpRequest) -> Self {
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_else(crate::model::new_uuid);
        RequestMeta {
            ip: peer_ip(req),
            user_agent: req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            request_id,
            https: req.connection_info().scheme() == "https",
        }
    }

    /// Metadata for rows written by coderlite itself (retention, import): no ip, no agent.
    pub fn system() -> Self {
        RequestMeta {
            ip: None,
            user_agent: None,
            request_id: crate::model::new_uuid(),
            https: false,
        }
    }
}

impl FromRequest for RequestMeta {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(RequestMeta::from_request(req)))
    }
}

/// Middleware: request id (from a valid UUID `X-Request-Id`, else new), echoed back; one log
/// line per request with method, path (never the query string: it may carry a token),
/// status and duration.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let start = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::model::parse_uuid)
        .unwrap_or_else(crate::model::new_uuid);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_string();
    let mut res = next.call(req).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), v);
    }
    log::info!(
        "{method} {path} {} {:.3}ms request_id={id}",
        res.status().as_u16(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(res)
}

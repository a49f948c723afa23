//! Response compression as real servers do it, without the Nagle stall.
//!
//! actix-web's `Compress` middleware sends every compressed body chunked, even one it holds
//! whole in memory: the head and data go out in one write and the terminating `0\r\n\r\n` in
//! another. With Nagle's algorithm on, that second small write waits for the client's ACK of
//! the first, which a delayed-ACK client holds back ~40 ms — so every gzip-accepting client
//! (Go's `net/http`, browsers, axios, python requests) paid ~40 ms per request. Two fixes, both
//! what Go's `net/http` (Coder itself) and nginx do:
//!
//! - every accepted socket gets `TCP_NODELAY` (`lib::serve`; Go sets it on every TCP
//!   connection, nginx's `tcp_nodelay` is on by default), so no write ever waits for an ACK;
//! - a body held in memory is compressed in one piece and sent with a `Content-Length`; bodies
//!   under [`MIN_SIZE`] bytes are sent as they are (gzip costs more than it saves there, as
//!   Go's gzhttp and nginx's `gzip_min_length` decide); only streamed bodies (exports, huge
//!   audit pages) are compressed as a stream, chunk by chunk.

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::Error;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Bodies smaller than this are not worth compressing (Go's gzhttp default).
pub const MIN_SIZE: usize = 1024;

/// Bodies larger than this are compressed on a blocking thread, not the worker's.
const INLINE_MAX: usize = 256 * 1024;

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let gzip = req.method() != Method::HEAD && accepts_gzip(req.headers());
    let res = next.call(req).await?.map_into_boxed_body();
    if !compressible(res.status(), res.headers()) {
        return Ok(res);
    }
    let (req, mut res) = res.into_parts();
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !gzip {
        return Ok(ServiceResponse::new(req, res));
    }
    let (res, body) = res.into_parts();
    let encoded = match body.size() {
        BodySize::Sized(n) if (n as usize) >= MIN_SIZE => {
            let bytes = actix_web::body::to_bytes(body)
                .await
                .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
            if (n as usize) <= INLINE_MAX {
                BoxBody::new(gzip_bytes(&bytes))
            } else {
                BoxBody::new(actix_web::web::block(move || gzip_bytes(&bytes)).await?)
            }
        }
        BodySize::Stream => BoxBody::new(GzipStream {
            inner: body,
            encoder: Some(GzEncoder::new(Vec::new(), Compression::fast())),
        }),
        // Empty or small: sent as it is.
        _ => return Ok(ServiceResponse::new(req, res.set_body(body))),
    };
    let mut res = res.set_body(encoded);
    mark_gzip(res.headers_mut());
    Ok(ServiceResponse::new(req, res))
}

fn mark_gzip(headers: &mut HeaderMap) {
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    headers.remove(header::CONTENT_LENGTH);
}

/// Responses worth compressing: text-like content that is not already encoded.
fn compressible(status: StatusCode, headers: &HeaderMap) -> bool {
    if status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status == StatusCode::SWITCHING_PROTOCOLS
        || headers.contains_key(header::CONTENT_ENCODING)
    {
        return false;
    }
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let ct = ct.to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.starts_with("application/json")
        || ct.starts_with("application/x-ndjson")
        || ct.starts_with("application/javascript")
        || ct.starts_with("image/svg+xml")
}

/// Whether `Accept-Encoding` allows gzip: named with q > 0, or `*` with q > 0 and gzip not
/// refused by name (RFC 9110 §12.5.3).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut star = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    (k.trim().eq_ignore_ascii_case("q")).then(|| v.trim().parse::<f32>().ok())?
                })
                .next()
                .unwrap_or(1.0);
            match coding.as_str() {
                "gzip" | "x-gzip" => return q > 0.0,
                "*" => star = Some(q > 0.0),
                _ => {}
            }
        }
    }
    star.unwrap_or(false)
}

fn gzip_bytes(data: &[u8]) -> Bytes {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    Bytes::from(enc.finish().unwrap_or_default())
}

/// A streamed body compressed chunk by chunk; the gzip trailer follows the last chunk.
struct GzipStream {
    inner: BoxBody,
    encoder: Option<GzEncoder<Vec<u8>>>,
}

impl MessageBody for GzipStream {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        loop {
            if self.encoder.is_none() {
                return Poll::Ready(None);
            }
            let next = std::task::ready!(Pin::new(&mut self.inner).poll_next(cx));
            let this = self.as_mut().get_mut();
            match (next, this.encoder.as_mut()) {
                (Some(Err(e)), _) => return Poll::Ready(Some(Err(e))),
                (Some(Ok(chunk)), Some(encoder)) => {
                    encoder.write_all(&chunk)?;
                    let out = std::mem::take(encoder.get_mut());
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(Bytes::from(out))));
                    }
                }
                (None, _) | (_, None) => {
                    let out = match this.encoder.take() {
                        Some(encoder) => encoder.finish()?,
                        None => Vec::new(),
                    };
                    return Poll::Ready(Some(Ok(Bytes::from(out))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(v).expect("header"),
        );
        h
    }

    #[test]
    fn accept_encoding_parsing() {
        assert!(accepts_gzip(&headers("gzip")));
        assert!(accepts_gzip(&headers("gzip, deflate, br")));
        assert!(accepts_gzip(&headers("br;q=1.0, gzip;q=0.8, *;q=0.1")));
        assert!(accepts_gzip(&headers("*")));
        assert!(!accepts_gzip(&headers("identity")));
        assert!(!accepts_gzip(&headers("gzip;q=0")));
        assert!(!accepts_gzip(&headers("*, gzip;q=0")));
        assert!(!accepts_gzip(&headers("br")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}

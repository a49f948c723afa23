//! coderlite patch (not in upstream actix-http 3.20.0): request targets longer than
//! `http::Uri` can hold, and JSON bodies for the errors the HTTP/1 dispatcher writes itself.
//!
//! `http::Uri` stores offsets as `u16`, so a request target over 65,534 bytes cannot become a
//! `Uri`. Go's `net/http` accepts request heads up to 1 MiB, and Coder clients put long search
//! queries (`?q=…`) in the URL. Such a target keeps its path in the request's `Uri` and hands
//! its query string to the application as a [`LongQuery`] request extension.

use bytes::Bytes;
use http::{StatusCode, Uri};

use crate::error::ParseError;

/// Largest request head (request line and headers) the HTTP/1 decoder accepts: Go's
/// `http.DefaultMaxHeaderBytes` (1 MiB) plus the 4 KiB of slack Go's server adds.
pub const MAX_HEAD_BYTES: usize = (1 << 20) + 4096;

/// Longest request target `http::Uri` accepts.
const MAX_URI_LEN: usize = (u16::MAX - 1) as usize;

/// The query string (without `?`) of a request whose target was too long for `http::Uri`.
/// The request's `Uri` then holds only the path. Read it from the request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongQuery(pub String);

/// Parses a request target; one too long for a `Uri` is split into its path (the `Uri`) and
/// its query (a [`LongQuery`]).
pub(crate) fn split_target(target: &str) -> Result<(Uri, Option<LongQuery>), ParseError> {
    if target.len() <= MAX_URI_LEN {
        return Ok((Uri::try_from(target)?, None));
    }
    match target.split_once('?') {
        Some((path, query)) if path.len() <= MAX_URI_LEN => {
            Ok((Uri::try_from(path)?, Some(LongQuery(query.to_owned()))))
        }
        _ => Ok((Uri::try_from(target)?, None)),
    }
}

/// The body of an error response the dispatcher writes without asking the application:
/// Coder's `codersdk.Response` shape.
pub(crate) fn error_body(status: StatusCode) -> Bytes {
    let (message, detail) = match status {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "Request header fields too large.",
            "The request line and headers together may be at most 1 MiB (1048576 bytes).",
        ),
        StatusCode::BAD_REQUEST => (
            "Malformed HTTP request.",
            "The request line or a header could not be parsed.",
        ),
        StatusCode::INTERNAL_SERVER_ERROR => ("An internal error occurred.", ""),
        _ => return Bytes::new(),
    };
    Bytes::from(format!(r#"{{"message":"{message}","detail":"{detail}"}}"#))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_target_keeps_its_path_and_hands_over_its_query() {
        let query = format!("q={}", "a".repeat(100_000));
        let (uri, long) = split_target(&format!("/api/v2/audit?{query}")).unwrap();
        assert_eq!(uri.path(), "/api/v2/audit");
        assert_eq!(uri.query(), None);
        assert_eq!(long, Some(LongQuery(query)));
        let (uri, long) = split_target("/api/v2/audit?q=x").unwrap();
        assert_eq!(uri.query(), Some("q=x"));
        assert_eq!(long, None);
    }
}

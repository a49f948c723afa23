//! The one reader of a request's query string. Every handler and the token lookup read
//! `?…` through here, so a query string too long for `http::Uri` (which the patched
//! actix-http hands over as a [`LongQuery`] request extension, see vendor/actix-http/PATCHES.md)
//! reads exactly like a short one.

use super::pagination::query_pairs;
use crate::error::ApiError;
use actix_http::long_query::LongQuery;
use actix_web::{HttpMessage, HttpRequest};
use std::borrow::Cow;

/// The raw (still percent-encoded) query string, without `?`; empty when there is none.
pub fn raw(req: &HttpRequest) -> Cow<'_, str> {
    match req.extensions().get::<LongQuery>() {
        Some(LongQuery(query)) => Cow::Owned(query.clone()),
        None => Cow::Borrowed(req.query_string()),
    }
}

/// The decoded `key=value` pairs of the query string, in order; undecodable input answers
/// Coder's 400.
pub fn pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, ApiError> {
    query_pairs(&raw(req))
}

/// The first value of `key`, when the query string decodes and has it.
pub fn first(req: &HttpRequest, key: &str) -> Option<String> {
    pairs(req)
        .ok()?
        .into_iter()
        .find_map(|(k, v)| (k == key).then_some(v))
}

/// The first value of `key` among decoded pairs, or empty when absent.
pub fn value<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find_map(|(k, v)| (k == key).then_some(v.as_str()))
        .unwrap_or("")
}

/// The search query `q` of decoded pairs: its first value, or empty when absent.
pub fn q(pairs: &[(String, String)]) -> &str {
    value(pairs, "q")
}

//! JSON output the way Go's `encoding/json` writes it for Coder: HTML characters escaped
//! (`<` → `\u003c`, `>` → `\u003e`, `&` → `\u0026`) and a trailing newline.

use actix_web::HttpResponse;
use serde::Serialize;

pub fn to_coder_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut raw = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    // Fast path: nothing to escape (0xE2 starts U+2028/U+2029 in UTF-8).
    if !raw.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        raw.push('\n');
        return raw;
    }
    let mut out = String::with_capacity(raw.len() + 8);
    for ch in raw.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

/// A JSON response with the given status, in Coder's encoding.
pub fn respond<T: Serialize + ?Sized>(
    status: actix_web::http::StatusCode,
    value: &T,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(to_coder_json(value))
}

pub fn ok<T: Serialize + ?Sized>(value: &T) -> HttpResponse {
    respond(actix_web::http::StatusCode::OK, value)
}

pub fn created<T: Serialize + ?Sized>(value: &T) -> HttpResponse {
    respond(actix_web::http::StatusCode::CREATED, value)
}

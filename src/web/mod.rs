//! The embedded web UI: a single-page app (plain HTML/CSS/JS modules in `web/`, compiled into
//! the binary with rust-embed) that talks only to the public `/api/v2` API with the session
//! cookie. Coder's page paths serve the app shell; `/assets/...` serves the files.

mod assets;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{guard, web, HttpRequest, HttpResponse, HttpResponseBuilder};

/// Content-Security-Policy for every UI response: no inline script or style anywhere.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: https:; frame-ancestors 'none'";

/// Page paths the app shell answers (Coder's own paths, so links and habits carry over).
const SHELL_PATHS: &[&str] = &[
    "/",
    "/login",
    "/setup",
    "/audit",
    "/connectionlog",
    "/users",
    "/organizations/{organization}/members",
    "/deployment/licenses",
    "/ai-gateway/sessions",
    "/ai-gateway/sessions/{session}",
    "/aibridge/sessions",
    "/aibridge/sessions/{session}",
];

/// GET, and HEAD (actix sends the headers without the body).
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    for path in SHELL_PATHS {
        cfg.route(path, get_or_head().to(shell));
    }
    cfg.route("/assets/{path:.*}", get_or_head().to(asset))
        .default_service(web::to(not_found));
}

/// Adds the security headers every UI response carries.
pub fn secure(mut b: HttpResponseBuilder) -> HttpResponseBuilder {
    b.insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
    b
}

async fn shell(req: HttpRequest) -> HttpResponse {
    match assets::get("index.html") {
        Some(file) => respond(&req, file, "text/html; charset=utf-8"),
        None => plain(StatusCode::INTERNAL_SERVER_ERROR, "UI assets missing"),
    }
}

async fn asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    match assets::lookup(&path) {
        Some((file, content_type)) => respond(&req, file, content_type),
        None => plain(StatusCode::NOT_FOUND, "Not found."),
    }
}

async fn not_found() -> HttpResponse {
    plain(StatusCode::NOT_FOUND, "Not found.")
}

fn plain(status: StatusCode, text: &'static str) -> HttpResponse {
    secure(HttpResponse::build(status))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(text)
}

/// Files are revalidated on every use (`no-cache` + a content-hash ETag): cheap 304s, and a
/// new binary's assets are picked up at once without hashed file names.
fn respond(req: &HttpRequest, file: rust_embed::EmbeddedFile, content_type: &str) -> HttpResponse {
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut b = secure(HttpResponse::build(if fresh {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    }));
    b.insert_header((header::CACHE_CONTROL, "no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        b.insert_header((header::ETAG, v));
    }
    if fresh {
        return b.finish();
    }
    b.content_type(content_type).body(file.data.into_owned())
}

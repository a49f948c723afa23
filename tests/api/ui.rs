//! Tests: ui. The embedded web UI — served files and headers over plain HTTP, and real
//! scenarios in headless Chromium (see webdriver.rs): sign-in, audit, users, members.

use crate::common::{TestServer, OWNER_EMAIL, PASSWORD};
use crate::webdriver::Browser;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'";

fn assert_security_headers(r: &crate::common::Resp, what: &str) {
    assert_eq!(r.header("content-security-policy"), Some(CSP), "{what}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert!(r.header("referrer-policy").is_some(), "{what}");
}

#[test]
fn ui_shell_assets_types_and_security_headers() {
    let server = TestServer::start();
    let c = server.client();
    for path in [
        "/",
        "/login",
        "/setup",
        "/audit",
        "/audit?filter=action:create&page=2",
        "/users",
        "/organizations/coder/members",
        "/deployment/licenses",
    ] {
        let r = c.get(path).expect(200);
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}"
        );
        assert!(r.text.contains("/assets/js/app.js"), "{path} is the shell");
        assert!(!r.text.contains("<script>"), "no inline script in {path}");
        assert_security_headers(&r, path);
    }
    for (path, ty) in [
        ("/assets/js/app.js", "text/javascript"),
        ("/assets/js/pages/audit.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/assets/favicon.svg", "image/svg+xml"),
    ] {
        let r = c.get(path).expect(200);
        assert!(
            r.header("content-type").is_some_and(|t| t.starts_with(ty)),
            "{path}: {:?}",
            r.header("content-type")
        );
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{path}");
        assert_security_headers(&r, path);
        // Revalidation with the ETag answers 304 without a body.
        let etag = r.header("etag").expect("etag").to_string();
        let again = c.raw("GET", path, None, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.text.is_empty());
    }
    // Unknown assets and every traversal spelling are a plain 404, never a file.
    for path in [
        "/assets/nope.js",
        "/assets/",
        "/assets/js",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/js/..%2f..%2f..%2fsrc%2flib.rs",
        "/assets/%2e%2e%2f%2e%2e%2fschema.sql",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/.hidden",
        "/assets/index.html",
        "/assets/js/app.js%00.css",
        "/nope",
        "/users/extra/segments",
    ] {
        let r = c.raw("GET", path, None, &[]);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text.contains("[package]"), "{path} leaked Cargo.toml");
        assert!(!r.text.contains("CREATE TABLE"), "{path} leaked schema");
        assert_security_headers(&r, path);
    }
    let head = c.raw("HEAD", "/audit", None, &[]);
    assert_eq!(head.status, 200);
    assert!(head.text.is_empty());
    assert_eq!(c.raw("POST", "/audit", None, &[]).status, 404);
    // The API keeps its own JSON 404s.
    let r = c.get("/api/v2/nope").expect(404);
    assert_eq!(r.message(), "Route not found.");
}

/// Empty database → first-user setup in the browser → signed in → sign out → a wrong
/// password shows the API's message → sign in again.
#[test]
fn ui_setup_sign_in_and_sign_out() {
    let server = TestServer::start();
    let b = Browser::start("ui_setup_sign_in_and_sign_out");
    b.goto(&format!("{}/users", server.url));
    b.wait_until("redirect to /setup", |b| {
        b.current_url().ends_with("/setup")
    });
    b.type_text(&b.wait("#email"), OWNER_EMAIL);
    b.type_text(&b.wait("#username"), "admin");
    b.type_text(&b.wait("#password"), PASSWORD);
    b.click(&b.wait("form button[type=submit]"));
    b.wait_text(".nav-username", "admin");
    assert_eq!(
        server
            .client()
            .get("/api/v2/users/first")
            .expect(200)
            .message(),
        "The initial user has already been created!"
    );

    b.click(&b.wait_text(".topbar button", "Sign out"));
    b.wait_until("the sign-in page", |b| b.current_url().contains("/login"));
    b.wait("#email");
    // Signed out for real: the protected page sends us back to sign in.
    b.goto(&format!("{}/users?filter=status:active", server.url));
    b.wait_until("redirect to /login", |b| {
        b.current_url().contains("/login?redirect=")
    });
    b.type_text(&b.wait("#email"), OWNER_EMAIL);
    b.type_text(&b.wait("#password"), "wrong-password");
    b.click(&b.wait("form button[type=submit]"));
    b.wait_text("[role=alert]", "Incorrect email or password.");
    let pw = b.wait("#password");
    b.clear(&pw);
    b.type_text(&pw, PASSWORD);
    b.click(&b.wait("form button[type=submit]"));
    // Back where we were going, with the filter kept.
    b.wait_until("the users page", |b| {
        let url = b.current_url();
        url.ends_with("/users?filter=status:active")
            || url.ends_with("/users?filter=status%3Aactive")
    });
    b.wait_text(".nav-username", "admin");
}

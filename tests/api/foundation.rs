//! Start-up, errors, first user, login/logout.

use crate::common::*;
use serde_json::json;

#[test]
fn first_user_login_logout() {
    let s = TestServer::start();
    let c = s.client();
    let r = c.get("/api/v2/users/first").expect(404);
    assert_eq!(r.message(), "The initial user has not been created!");
    let owner = s.owner();
    c.get("/api/v2/users/first").expect(200);
    let r = c
        .post(
            "/api/v2/users/first",
            json!({"email": "x@example.com", "username": "x", "password": PASSWORD}),
        )
        .expect(409);
    assert_eq!(r.message(), "The initial user has already been created.");
    // Wrong password → 401 and a recorded failed login.
    let r = c
        .post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": "nope-nope-nope"}),
        )
        .expect(401);
    assert_eq!(r.message(), "Incorrect email or password.");
    let failed: i64 = s
        .db()
        .query_row(
            "SELECT count(*) FROM audit_logs WHERE action = 'login' AND status_code = 401",
            coderlite::params![],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(failed, 1);
    owner.post("/api/v2/users/logout", json!({})).expect(200);
    let r = owner.get("/api/v2/users/me").expect(401);
    assert_eq!(r.body["detail"], "API key is invalid.");
}

#[test]
fn errors_in_coder_shape() {
    let s = TestServer::start();
    let c = s.client();
    let r = c.get("/api/v2/nope").expect(404);
    assert_eq!(r.message(), "Route not found.");
    let r = c
        .raw("POST", "/api/v2/users/login", Some(b"{bad".to_vec()), &[])
        .expect(400);
    assert_eq!(r.message(), "Request body must be valid JSON.");
    let big = vec![b' '; 2 * 1024 * 1024];
    c.raw("POST", "/api/v2/users/login", Some(big), &[])
        .expect(413);
    let r = c.with_token("short").get("/api/v2/users/me").expect(401);
    assert!(r.body["detail"]
        .as_str()
        .unwrap_or("")
        .starts_with("Invalid API key format"));
    let r = c.get("/api/v2/users/me").expect(401);
    assert_eq!(
        r.body["detail"],
        "Cookie \"coder_session_token\" or query parameter must be provided."
    );
    let r = c.raw(
        "GET",
        "/api/v2/buildinfo",
        None,
        &[("X-Request-Id", "8a4c4b8e-2f0c-4d6e-9a57-2e1f7b0c6d11")],
    );
    assert_eq!(
        r.header("x-request-id"),
        Some("8a4c4b8e-2f0c-4d6e-9a57-2e1f7b0c6d11")
    );
}

#[test]
fn login_attempts_are_limited() {
    let s = TestServer::start_with(|c| c.login_rate_limit = 3);
    s.owner(); // one successful login counted
    let c = s.client();
    for _ in 0..2 {
        c.post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": "wrong-wrong-wrong"}),
        )
        .expect(401);
    }
    let r = c
        .post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": PASSWORD}),
        )
        .expect(429);
    assert!(r
        .header("retry-after")
        .is_some_and(|v| v.parse::<u64>().unwrap_or(0) >= 1));
    assert_eq!(
        r.message(),
        "Too many login attempts. Please wait and try again."
    );
}

#[test]
fn session_cookie_flags() {
    let s = TestServer::start();
    s.owner();
    let r = s
        .client()
        .post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": PASSWORD}),
        )
        .expect(201);
    let cookie = r.header("set-cookie").unwrap_or("").to_string();
    assert!(cookie.starts_with("coder_session_token="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "missing {flag}: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    // The token works as a cookie too.
    let token = r.body["session_token"].as_str().unwrap_or("").to_string();
    let r = s.client().raw(
        "GET",
        "/api/v2/users/me",
        None,
        &[("Cookie", &format!("coder_session_token={token}"))],
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // And as a query parameter.
    let me = s
        .client()
        .get(&format!("/api/v2/users/me?coder_session_token={token}"))
        .expect(200);
    // Signing in counts as being seen (the zero time would mean "never").
    let seen = me.body["last_seen_at"].as_str().unwrap_or("").to_string();
    assert!(seen.starts_with("20"), "last_seen_at after login: {seen}");

    // Behind a TLS-terminating proxy the cookie is marked Secure, on login and on logout.
    let body = json!({"email": OWNER_EMAIL, "password": PASSWORD}).to_string();
    let r = s.client().raw(
        "POST",
        "/api/v2/users/login",
        Some(body.into_bytes()),
        &[("X-Forwarded-Proto", "https")],
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let cookie = r.header("set-cookie").unwrap_or("").to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
    let token = r.body["session_token"].as_str().unwrap_or("").to_string();
    let r = s.client().raw(
        "POST",
        "/api/v2/users/logout",
        None,
        &[
            ("Coder-Session-Token", &token),
            ("X-Forwarded-Proto", "https"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let cleared = r.header("set-cookie").unwrap_or("").to_string();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Max-Age=0"] {
        assert!(cleared.contains(flag), "missing {flag}: {cleared}");
    }
    // The signed-out token is gone.
    s.client()
        .get(&format!("/api/v2/users/me?coder_session_token={token}"))
        .expect(401);
}

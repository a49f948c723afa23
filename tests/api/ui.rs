//! Tests: ui. The embedded web UI — served files and headers over plain HTTP, and real
//! scenarios in headless Chromium (see webdriver.rs): sign-in, audit, users, members.

use crate::common::{create_user, values_of, TestServer, OWNER_EMAIL, PASSWORD};
use crate::webdriver::Browser;
use serde_json::json;

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
        "/ai-gateway/sessions",
        "/ai-gateway/sessions/claude-1",
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
    b.snapshot("login-error");
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

/// Whether the URL contains `needle`, also after decoding `%3A` and `+` (query strings).
pub fn url_has(b: &Browser, needle: &str) -> bool {
    let url = b.current_url();
    url.contains(needle) || url.replace("%3A", ":").replace('+', " ").contains(needle)
}

const AUDIT_ROW_IDS: &str =
    "return [...document.querySelectorAll('#audit-table tr.audit-row')].map(r => r.dataset.id)";
const USER_ROWS: &str =
    "return [...document.querySelectorAll('#users-table tbody tr[data-username]')].map(r => r.dataset.username)";

/// Audit page in the browser: the rows are the API's rows; a menu filters; a row expands to
/// its diff with secrets masked; the export link carries the filter. Not entitled → no AI
/// add-on column on users or members. Admin actions: remove/add a member, suspend a user,
/// change roles — each checked against the API afterwards.
#[test]
fn ui_audit_filters_diff_and_admin_actions() {
    let server = TestServer::start();
    let owner = server.owner();
    create_user(&server, &owner, "bob", &[]);
    create_user(&server, &owner, "carol", &["auditor"]);
    let token = owner.token.clone().expect("token");
    let b = Browser::start("ui_audit_filters_diff_and_admin_actions");
    b.sign_in_with_token(&server.url, &token);

    b.goto(&format!("{}/audit", server.url));
    b.wait("#audit-table tr.audit-row");
    let api = owner.get("/api/v2/audit?limit=25").expect(200);
    let expected = values_of(&api.body, "audit_logs", "id");
    assert!(!expected.is_empty());
    assert_eq!(b.strings(AUDIT_ROW_IDS), expected);
    let first = &api.body["audit_logs"][0];
    let row = b.wait(&format!(
        "tr[data-id='{}']",
        first["id"].as_str().unwrap_or("")
    ));
    let text = b.text(&row);
    assert!(text.contains(&first["status_code"].to_string()), "{text}");
    assert!(b.find(".day-row").is_some(), "rows are grouped by day");
    // IP and the client parsed from the user agent (the test client is ureq).
    assert!(text.contains("IP: 127.0.0.1"), "{text}");
    assert!(text.contains("Browser: ureq"), "{text}");
    b.snapshot("audit");

    // The action menu filters (and lands in the URL).
    b.click(&b.wait("#audit-action"));
    b.click(&b.wait("#audit-action option[value='login']"));
    b.wait_until("the action filter in the URL", |b| {
        url_has(b, "action:login")
    });
    let api = owner
        .get("/api/v2/audit?limit=25&q=action:login")
        .expect(200);
    let expected = values_of(&api.body, "audit_logs", "id");
    assert!(!expected.is_empty(), "logins were audited");
    b.wait_until("the login rows", |b| b.strings(AUDIT_ROW_IDS) == expected);
    for row in b.find_all("#audit-table tr.audit-row") {
        assert!(b.text(&row).contains("logged in"), "{}", b.text(&row));
    }

    // Free text through the box; then the user-create row expands to its diff.
    let q = "resource_type:user action:create";
    let input = b.wait("#audit-filter");
    b.fill(&input, q);
    b.enter(&input);
    b.wait_until("the typed filter in the URL", |b| url_has(b, q));
    let api = owner
        .get("/api/v2/audit?limit=25&q=resource_type:user%20action:create")
        .expect(200);
    let expected = values_of(&api.body, "audit_logs", "id");
    b.wait_until("the user-create rows", |b| {
        b.strings(AUDIT_ROW_IDS) == expected
    });
    let bob_log = api.body["audit_logs"]
        .as_array()
        .expect("logs")
        .iter()
        .find(|l| l["resource_target"] == "bob")
        .expect("bob's creation is audited")
        .clone();
    let bob_row = format!("tr[data-id='{}']", bob_log["id"].as_str().unwrap_or(""));
    assert!(b.text(&b.wait(&bob_row)).contains("bob"));
    b.click(&b.wait(&format!("{bob_row} button.expand")));
    let diff = b.wait(&format!("{bob_row} + tr.diff-row"));
    let diff_text = b.text(&diff);
    let fields = bob_log["diff"].as_object().expect("diff");
    assert!(!fields.is_empty(), "a create has a diff");
    for (name, field) in fields {
        assert!(diff_text.contains(name.as_str()), "{name} in {diff_text}");
        let cell = b.wait(&format!(
            "{bob_row} + tr.diff-row tr[data-field='{name}'] td.diff-new"
        ));
        if field["secret"] == true {
            assert!(b.text(&cell).contains("••••••••"), "{name} is masked");
        } else if let Some(s) = field["new"].as_str() {
            assert!(b.text(&cell).contains(s), "{name}: {}", b.text(&cell));
        }
    }
    assert_eq!(
        b.attr(
            &b.wait(&format!("{bob_row} button.expand")),
            "aria-expanded"
        )
        .as_deref(),
        Some("true")
    );
    b.snapshot("audit-diff");
    // Keyboard: Enter on the focused toggle collapses the diff, and focus is visible.
    let toggle = b.wait(&format!("{bob_row} button.expand"));
    b.enter(&toggle);
    b.wait_until("the diff to collapse", |b| {
        b.attr(&toggle, "aria-expanded").as_deref() == Some("false")
    });
    assert!(!b.displayed(&diff));
    let focus = b.js(
        "const e = document.activeElement; const s = getComputedStyle(e); \
         return [e.classList.contains('expand'), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0]",
        json!([]),
    );
    assert_eq!(
        focus,
        json!([true, true]),
        "focused toggle shows a focus ring"
    );
    let href = b.attr(&b.wait("#audit-export"), "href").expect("href");
    assert!(
        href.contains("/api/v2/audit/export?format=csv&q="),
        "{href}"
    );
    assert!(href.contains("resource_type%3Auser"), "{href}");
    // The link downloads the filtered rows as CSV.
    let path = href.trim_start_matches(server.url.as_str());
    let csv = owner.get(path).expect(200);
    assert!(
        csv.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv")),
        "{:?}",
        csv.header("content-type")
    );
    assert!(csv.text.contains("bob"), "{}", csv.text);

    // Not entitled: no AI add-on column anywhere.
    b.goto(&format!("{}/users", server.url));
    b.wait("#users-table tbody tr[data-username]");
    assert!(b.find("#users-table th.col-ai").is_none());
    assert!(!b
        .text(&b.wait("#users-table"))
        .to_lowercase()
        .contains("ai add-on"));
    assert!(b
        .find("[aria-label='Consuming AI seat'], [aria-label='Not consuming AI seat']")
        .is_none());
    let org = owner.get("/api/v2/organizations/default").expect(200);
    let org_name = org.body["name"].as_str().expect("org name").to_string();
    b.goto(&format!("{}/organizations/{org_name}/members", server.url));
    b.wait("#members-table tbody tr[data-username]");
    assert!(b.find("#members-table th.col-ai").is_none());
    assert!(b
        .find("[aria-label='Consuming AI seat'], [aria-label='Not consuming AI seat']")
        .is_none());

    // Members: remove carol (confirm dialog), add her back, and a second add shows the
    // API's error in words.
    b.click(&b.wait("button[aria-label='Remove carol']"));
    b.click(&b.wait("dialog .dialog-actions .btn-danger"));
    b.wait_text(".alert", "carol was removed.");
    let members = |owner: &crate::common::Client| {
        values_of(
            &owner
                .get(&format!(
                    "/api/v2/organizations/{org_name}/paginated-members"
                ))
                .expect(200)
                .body,
            "members",
            "username",
        )
    };
    assert!(!members(&owner).contains(&"carol".to_string()));
    assert!(b.find("#members-table tr[data-username='carol']").is_none());
    for _ in 0..2 {
        let add = b.wait("#member-add");
        b.fill(&add, "carol");
        b.click(&b.wait_text(".add-member button", "Add member"));
        b.wait("#members-table tr[data-username='carol']");
    }
    b.wait_text("[role=alert]", "already");
    assert!(members(&owner).contains(&"carol".to_string()));
    // Organization roles through the roles dialog.
    b.click(&b.wait("button[aria-label='Edit roles of carol']"));
    b.click(&b.wait("dialog input[value='organization-auditor']"));
    b.click(&b.wait_text("dialog .dialog-actions button", "Save roles"));
    b.wait_text(".alert", "Roles of carol were updated.");
    let carol = owner
        .get(&format!("/api/v2/organizations/{org_name}/members/carol"))
        .expect(200);
    assert_eq!(
        values_of(&carol.body, "roles", "name"),
        vec!["organization-auditor".to_string()]
    );
    b.wait_text(
        "#members-table tr[data-username='carol']",
        "Organization Auditor",
    );

    // Users: suspend bob (confirm dialog), then grant him a role through the roles dialog.
    b.goto(&format!("{}/users", server.url));
    b.click(&b.wait("button[aria-label='Suspend bob']"));
    b.click(&b.wait("dialog .dialog-actions .btn-danger"));
    b.wait_text(".alert", "bob was suspended.");
    b.wait_text("#users-table tr[data-username='bob']", "Suspended");
    let bob = owner.get("/api/v2/users/bob").expect(200);
    assert_eq!(bob.body["status"], "suspended");
    b.click(&b.wait("button[aria-label='Edit roles of bob']"));
    b.click(&b.wait("dialog input[value='template-admin']"));
    b.click(&b.wait_text("dialog .dialog-actions button", "Save roles"));
    b.wait_text(".alert", "Roles of bob were updated.");
    let bob = owner.get("/api/v2/users/bob").expect(200);
    let roles = values_of(&bob.body, "roles", "name");
    assert_eq!(roles, vec!["template-admin".to_string()]);
    b.wait_text("#users-table tr[data-username='bob']", "Template Admin");
    b.snapshot("users-actions");
}

/// Elements sticking out of the page to the right (empty when the page fits its width).
pub const NARROW_OVERFLOW: &str = "const w = document.documentElement.clientWidth; \
    if (document.documentElement.scrollWidth <= w) return []; \
    return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 \
      && !(e.closest('.table-wrap') && e.closest('.table-wrap') !== e)) \
      .map(e => e.tagName + '.' + e.className + ' right=' + Math.round(e.getBoundingClientRect().right) + ' w=' + w) \
      .concat(['scrollWidth=' + document.documentElement.scrollWidth]);";

const AI_HELP: &str = "Users with access to AI features like AI Bridge, Boundary, or Tasks who are actively consuming a seat.";

/// Entitled (--ai-seat-limit): users and members tables show the AI add-on column with the
/// right mark per user and the help text; pagination and filter survive a reload.
#[test]
fn ui_ai_addon_column_pagination_and_url_state() {
    let server = TestServer::start_with(|c| c.ai_seat_limit = 10);
    let owner = server.owner();
    let org = owner.get("/api/v2/organizations/default").expect(200);
    let (org_id, org_name) = (
        org.body["id"].as_str().expect("org id").to_string(),
        org.body["name"].as_str().expect("org name").to_string(),
    );
    let mut seat_user = String::new();
    for i in 0..27 {
        let r = owner
            .post(
                "/api/v2/users",
                json!({"email": format!("user{i:02}@example.com"), "username": format!("user{i:02}"),
                       "password": PASSWORD, "organization_ids": [org_id], "login_type": "password"}),
            )
            .expect(201);
        if i == 3 {
            seat_user = r.body["id"].as_str().expect("id").to_string();
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_micros() as i64;
    server
        .db()
        .execute(
            "INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, started_at) \
             VALUES (?1, ?2, 'anthropic', 'claude-sonnet', ?3)",
            coderlite::params![uuid::Uuid::new_v4().to_string(), seat_user, now],
        )
        .expect("interception");
    let token = owner.token.clone().expect("token");
    let b = Browser::start("ui_ai_addon_column_pagination_and_url_state");
    b.sign_in_with_token(&server.url, &token);

    // Users: the column, its help text, and one mark per row as the API says.
    b.goto(&format!("{}/users", server.url));
    b.wait("#users-table tbody tr[data-username]");
    assert!(b
        .text(&b.wait("#users-table th.col-ai"))
        .to_lowercase()
        .contains("ai add-on"));
    let tip = b.js(
        "return document.querySelector('#users-table th.col-ai [role=tooltip] .tooltip-text').textContent",
        json!([]),
    );
    assert_eq!(tip.as_str(), Some(AI_HELP));
    let api = owner.get("/api/v2/users?limit=25").expect(200);
    let marks = |table: &str| -> Vec<(String, String)> {
        let v = b.js(
            &format!("return [...document.querySelectorAll('{table} tbody tr[data-username]')].map(r => [r.dataset.username, r.querySelector('.col-ai [role=img]').getAttribute('aria-label')])"),
            json!([]),
        );
        v.as_array()
            .expect("rows")
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap_or("").into(),
                    p[1].as_str().unwrap_or("").into(),
                )
            })
            .collect()
    };
    let expected: Vec<(String, String)> = api.body["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| {
            let label = if u["has_ai_seat"] == true {
                "Consuming AI seat"
            } else {
                "Not consuming AI seat"
            };
            (u["username"].as_str().unwrap_or("").into(), label.into())
        })
        .collect();
    assert_eq!(expected.len(), 25);
    assert_eq!(marks("#users-table"), expected);
    assert!(expected.contains(&("user03".into(), "Consuming AI seat".into())));
    assert!(expected.contains(&("admin".into(), "Not consuming AI seat".into())));
    b.snapshot("users");

    // Page 2 by its numbered link; the URL keeps it through a reload.
    b.click(&b.wait(".pagination a[aria-label='Page 2']"));
    b.wait_until("page=2 in the URL", |b| url_has(b, "page=2"));
    let page2 = values_of(
        &owner
            .get("/api/v2/users?limit=25&offset=25")
            .expect(200)
            .body,
        "users",
        "username",
    );
    assert_eq!(page2.len(), 3);
    b.wait_until("page 2 rows", |b| b.strings(USER_ROWS) == page2);
    b.refresh();
    b.wait_until("page 2 rows after reload", |b| {
        b.strings(USER_ROWS) == page2
    });
    assert_eq!(b.text(&b.wait(".pagination .page-current")), "2");

    // `?size=` picks another page size (10, 25, 50, 100); the page links keep it.
    b.goto(&format!("{}/users?size=10&page=2", server.url));
    let size10 = values_of(
        &owner
            .get("/api/v2/users?limit=10&offset=10")
            .expect(200)
            .body,
        "users",
        "username",
    );
    assert_eq!(size10.len(), 10);
    b.wait_until("page 2 of 10 rows", |b| b.strings(USER_ROWS) == size10);
    b.click(&b.wait(".pagination a[aria-label='Page 3']"));
    b.wait_until("size kept by the page link", |b| {
        url_has(b, "size=10") && url_has(b, "page=3")
    });
    b.goto(&format!("{}/users", server.url));

    // A search and the status menu build `q`; both survive a reload.
    let input = b.wait("#users-filter");
    b.fill(&input, "user1");
    b.enter(&input);
    b.wait_until("the search in the URL", |b| {
        url_has(b, "filter=user1") && !url_has(b, "page=2")
    });
    let found = values_of(
        &owner.get("/api/v2/users?limit=25&q=user1").expect(200).body,
        "users",
        "username",
    );
    assert_eq!(found.len(), 10);
    b.wait_until("the search results", |b| b.strings(USER_ROWS) == found);
    b.click(&b.wait("#users-status"));
    b.click(&b.wait("#users-status option[value='active']"));
    b.wait_until("the status in the URL", |b| url_has(b, "status:active"));
    let active = values_of(
        &owner
            .get("/api/v2/users?limit=25&q=user1%20status:active")
            .expect(200)
            .body,
        "users",
        "username",
    );
    b.wait_until("the filtered rows", |b| {
        b.strings(USER_ROWS) == active && b.find(".loading").is_none()
    });
    b.refresh();
    b.wait_until("the filter after reload", |b| {
        b.js("return document.querySelector('#users-filter') && document.querySelector('#users-filter').value", json!([]))
            .as_str()
            == Some("user1 status:active")
            && b.find(".loading").is_none()
    });
    assert_eq!(b.strings(USER_ROWS), active);

    // Members of the organization: the same column and marks.
    b.goto(&format!("{}/organizations/{org_name}/members", server.url));
    b.wait("#members-table tbody tr[data-username]");
    assert!(b
        .text(&b.wait("#members-table th.col-ai"))
        .to_lowercase()
        .contains("ai add-on"));
    let api = owner
        .get(&format!(
            "/api/v2/organizations/{org_name}/paginated-members?limit=25"
        ))
        .expect(200);
    let expected: Vec<(String, String)> = api.body["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            let label = if m["has_ai_seat"] == true {
                "Consuming AI seat"
            } else {
                "Not consuming AI seat"
            };
            (m["username"].as_str().unwrap_or("").into(), label.into())
        })
        .collect();
    assert!(expected.contains(&("user03".into(), "Consuming AI seat".into())));
    assert_eq!(marks("#members-table"), expected);
    b.snapshot("members");

    // Seat usage.
    b.goto(&format!("{}/deployment/licenses", server.url));
    assert!(b.text(&b.wait("#seat-usage .seat-count")).contains("/ 10"));
    b.snapshot("licenses");

    // Narrow screen: no page-wide horizontal scrolling (wide tables scroll in their box)
    // and the navigation stays on screen.
    b.set_window_size(400, 900);
    for path in [
        "/users",
        &format!("/organizations/{org_name}/members"),
        "/audit",
    ] {
        b.goto(&format!("{}{path}", server.url));
        b.wait(".table-wrap table tbody tr");
        let overflow = b.js(NARROW_OVERFLOW, json!([]));
        assert_eq!(overflow, json!([]), "{path} overflows on a narrow screen");
        for link in b.find_all(".nav a.nav-link") {
            assert!(b.displayed(&link), "{path}: nav link hidden");
        }
    }
    b.snapshot("narrow");
}

//! The connection log page (/connectionlog) in headless Chromium (see webdriver.rs): rows as
//! the API returns them with their type, workspace, user, status and IP; the Type, Status and
//! Workspace owner menus and the typed q edit the URL's `?q=` (Coder's `?filter=` is moved
//! there); paging; details on a click; q errors under the filter; the export links carry q;
//! a narrow screen; the nav entry only for owners and auditors.

use super::*;
use crate::ui::{url_has, NARROW_OVERFLOW};
use crate::webdriver::Browser;

const ROWS: &str =
    "return [...document.querySelectorAll('#connection-log-table tr.connection-row')].map(r => r.dataset.id)";

fn api_ids(w: &World, query: &str) -> Vec<String> {
    ids(&w.list(query))
}

/// The id of the page-1 row with `connect_time` at(secs).
fn id_at(w: &World, secs: i64) -> String {
    w.list("limit=25")["connection_logs"]
        .as_array()
        .expect("logs")
        .iter()
        .find(|r| r["connect_time"] == at(secs))
        .and_then(|r| r["id"].as_str())
        .expect("row")
        .to_string()
}

/// Four interesting events (a closed SSH session, an open VS Code one, an app request and a
/// tunnel) and 26 older JetBrains sessions: 30 rows, two pages.
fn thirty_events(w: &World) {
    let mut events = vec![
        session(&w.ws_alice, "ssh", 1, "connected", 10),
        session(&w.ws_bob, "vscode", 2, "connected", 20),
        web(&w.ws_alice, "workspace_app", "bob", 502, 30),
        web(&w.ws_bob, "tunnel", "alice", 101, 40),
    ];
    for i in 0..26u32 {
        events.push(session(
            &w.ws_alice,
            "jetbrains",
            100 + i,
            "connected",
            -100 - i as i64,
        ));
    }
    record(&w.owner, events);
    let mut close = session(&w.ws_alice, "ssh", 1, "disconnected", 3700);
    close["disconnect_reason"] = json!("client disconnected");
    close["code"] = json!(130);
    record(&w.owner, vec![close]);
}

/// The text of the detail `field` of the expanded row `row` (a CSS selector).
fn detail(b: &Browser, row: &str, field: &str) -> String {
    b.text(&b.wait(&format!("{row} + tr.detail-row [data-field='{field}'] dd")))
}

fn loaded(b: &Browser) -> bool {
    b.find(".results .loading").is_none()
}

#[test]
fn ui_connection_log_page_is_served() {
    let s = TestServer::start();
    let c = s.client();
    for path in ["/connectionlog", "/connectionlog?q=type:ssh&page=2"] {
        let r = c.get(path).expect(200);
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}"
        );
        assert!(r.text.contains("/assets/js/app.js"), "{path} is the shell");
    }
    for path in [
        "/assets/js/pages/connection_log.js",
        "/assets/js/pages/connection_log_row.js",
    ] {
        let r = c.get(path).expect(200);
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with("text/javascript")),
            "{path}"
        );
    }
    assert_eq!(c.raw("GET", "/connectionlog/extra", None, &[]).status, 404);
}

#[test]
fn ui_connection_log_rows_filters_paging_details_export() {
    let w = World::new();
    thirty_events(&w);
    let (ssh, vscode, app, tunnel) = (id_at(&w, 10), id_at(&w, 20), id_at(&w, 30), id_at(&w, 40));
    let token = w.owner.token.clone().expect("token");
    let b = Browser::start("ui_connection_log_rows_filters_paging_details_export");
    b.sign_in_with_token(&w.s.url, &token);

    // Page 1: the API's first 25 rows, newest first, with their text.
    b.goto(&format!("{}/connectionlog", w.s.url));
    let first = api_ids(&w, "limit=25");
    assert_eq!(
        first[..4],
        [tunnel.clone(), app.clone(), vscode.clone(), ssh.clone()]
    );
    b.wait_until("page 1 rows", |b| b.strings(ROWS) == first);
    assert_eq!(
        b.text(&b.wait("nav a[aria-current='page']")),
        "Connection log"
    );
    assert!(b
        .text(&b.wait(".pagination-status"))
        .contains("Showing 1 to 25 of 30 logs"));
    let row = |id: &str| format!("#connection-log-table tr[data-id='{id}']");
    let text_of = |id: &str| b.text(&b.wait(&row(id)));
    let t = text_of(&tunnel);
    for needle in ["Tunnel", "bob/box", "main", "alice", "101", "203.0.113.7"] {
        assert!(t.contains(needle), "{needle} in tunnel row {t:?}");
    }
    let t = text_of(&app);
    for needle in ["Workspace App", "alice/dev", "bob", "502"] {
        assert!(t.contains(needle), "{needle} in app row {t:?}");
    }
    let t = text_of(&vscode);
    for needle in ["VS Code", "bob/box", "Ongoing", "fd7a:115c:a1e0::1"] {
        assert!(t.contains(needle), "{needle} in vscode row {t:?}");
    }
    let t = text_of(&ssh);
    for needle in ["SSH", "alice/dev", "Completed", "1h 1m"] {
        assert!(t.contains(needle), "{needle} in ssh row {t:?}");
    }
    assert!(!t.contains("Ongoing"), "{t:?}");
    assert!(b.find(".day-row").is_some(), "rows are grouped by day");
    b.snapshot("list");

    // A click on the SSH row shows the session's details; its toggle hides them again.
    b.click(&b.wait(&format!("{} td.col-workspace", row(&ssh))));
    assert_eq!(detail(&b, &row(&ssh), "connection_id"), uid(1));
    assert_eq!(
        detail(&b, &row(&ssh), "disconnect_reason"),
        "client disconnected"
    );
    assert_eq!(detail(&b, &row(&ssh), "exit_code"), "130");
    assert_eq!(detail(&b, &row(&ssh), "duration"), "1h 1m");
    let toggle = b.wait(&format!("{} button.expand", row(&ssh)));
    assert_eq!(b.attr(&toggle, "aria-expanded").as_deref(), Some("true"));
    b.click(&toggle);
    b.wait_until("the SSH details to close", |b| {
        !b.displayed(
            &b.find(&format!("{} + tr.detail-row", row(&ssh)))
                .expect("detail row"),
        )
    });
    // The web event's details: user, app, HTTP status and user agent.
    b.click(&b.wait(&format!("{} button.expand", row(&app))));
    assert_eq!(detail(&b, &row(&app), "user"), "bob (bob@example.com)");
    assert_eq!(detail(&b, &row(&app), "slug_or_port"), "code-server");
    assert_eq!(detail(&b, &row(&app), "status_code"), "502");
    assert_eq!(detail(&b, &row(&app), "user_agent"), "coder-cli/2.31.0");
    b.snapshot("details");

    // Page 2.
    b.click(&b.wait(".pagination a[aria-label='Page 2']"));
    b.wait_until("page=2 in the URL", |b| url_has(b, "page=2"));
    let second = api_ids(&w, "limit=25&offset=25");
    assert_eq!(second.len(), 5);
    b.wait_until("page 2 rows", |b| b.strings(ROWS) == second);
    assert!(b
        .text(&b.wait(".pagination-status"))
        .contains("Showing 26 to 30 of 30 logs"));

    // The Type menu writes q (and goes back to page 1); the Status menu adds to it.
    b.click(&b.wait("#connection-log-type"));
    b.click(&b.wait("#connection-log-type option[value='vscode']"));
    b.wait_until("the type in the URL", |b| {
        url_has(b, "q=type:vscode") && !url_has(b, "page=2")
    });
    assert_eq!(api_ids(&w, "q=type:vscode"), vec![vscode.clone()]);
    b.wait_until("the VS Code row", |b| {
        b.strings(ROWS) == vec![vscode.clone()] && loaded(b)
    });
    assert!(b
        .text(&b.wait(".pagination-status"))
        .contains("Showing 1 to 1 of 1 logs"));
    b.click(&b.wait("#connection-log-status"));
    b.click(&b.wait("#connection-log-status option[value='completed']"));
    b.wait_until("both keys in the URL", |b| {
        url_has(b, "q=type:vscode status:completed")
    });
    b.wait_text("#connection-log-table", "No connection logs available");
    assert!(b.strings(ROWS).is_empty());

    // A typed q replaces it; the menus follow; a reload keeps it.
    let input = b.wait("#connection-log-filter");
    b.fill(&input, "workspace_owner:bob");
    b.enter(&input);
    b.wait_until("the typed q in the URL", |b| {
        url_has(b, "q=workspace_owner:bob") && !url_has(b, "type")
    });
    let bobs = api_ids(&w, "q=workspace_owner:bob");
    assert_eq!(bobs, vec![tunnel.clone(), vscode.clone()]);
    b.wait_until("bob's rows", |b| b.strings(ROWS) == bobs && loaded(b));
    let menu_value = |b: &Browser, id: &str| {
        b.js(
            "return document.getElementById(arguments[0]).value",
            json!([id]),
        )
    };
    assert_eq!(menu_value(&b, "connection-log-type"), json!(""));
    b.refresh();
    b.wait_until("the filter after reload", |b| {
        b.find("#connection-log-filter").is_some()
            && menu_value(b, "connection-log-filter") == json!("workspace_owner:bob")
            && b.strings(ROWS) == bobs
    });

    // The export links download the rows of the current q.
    for (format, lines) in [("csv", 3), ("ndjson", 2)] {
        let href = b
            .attr(&b.wait(&format!("#connection-log-export-{format}")), "href")
            .expect("href");
        assert!(
            href.ends_with(&format!(
                "/api/v2/connectionlog/export?format={format}&q=workspace_owner%3Abob"
            )),
            "{href}"
        );
        let body = b.js(
            "return fetch(arguments[0]).then(r => r.text())",
            json!([href]),
        );
        let body = body.as_str().expect("export text");
        assert_eq!(body.lines().count(), lines, "{format}: {body}");
        assert!(body.contains(&tunnel) && body.contains(&vscode), "{body}");
    }

    // The Workspace owner menu (filled from /users) follows the typed q and replaces it.
    assert_eq!(menu_value(&b, "connection-log-owner"), json!("bob"));
    b.click(&b.wait("#connection-log-owner"));
    b.click(&b.wait("#connection-log-owner option[value='alice']"));
    b.wait_until("the owner in the URL", |b| {
        url_has(b, "q=workspace_owner:alice")
    });
    let alices = api_ids(&w, "q=workspace_owner:alice");
    assert_eq!(alices.len(), 28);
    b.wait_until("alice's rows", |b| {
        b.strings(ROWS) == alices[..25] && loaded(b)
    });

    // A bad q: the server's message and validation under the filter, no table.
    let input = b.wait("#connection-log-filter");
    b.fill(&input, "type:foo");
    b.enter(&input);
    let errors = b.wait_text(
        "form[role=search] #connection-log-filter-errors .alert-error",
        "Invalid connection search query.",
    );
    let t = b.text(&errors);
    assert!(t.contains("\"foo\" is not a valid value"), "{t}");
    assert!(t.contains("type"), "{t}");
    assert_eq!(
        b.attr(&b.wait("#connection-log-filter"), "aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(b.find("#connection-log-table").is_none());
    b.snapshot("error");

    // A deep link sets the menus and the rows; Coder's ?filter= becomes ?q=.
    b.goto(&format!("{}/connectionlog?filter=type:tunnel", w.s.url));
    b.wait_until("the filter moved to q", |b| {
        url_has(b, "/connectionlog?q=type:tunnel") && !url_has(b, "filter=")
    });
    b.wait_until("the tunnel row", |b| {
        b.strings(ROWS) == vec![tunnel.clone()]
    });
    assert_eq!(menu_value(&b, "connection-log-type"), json!("tunnel"));
    assert!(b.find("#connection-log-filter-errors .alert").is_none());
    assert!(b
        .find("#connection-log-organization option[value='coder']")
        .is_some());

    // Narrow screen: the page fits its width (the table scrolls in its box).
    b.set_window_size(400, 900);
    b.goto(&format!("{}/connectionlog", w.s.url));
    b.wait_until("page 1 rows", |b| b.strings(ROWS) == first);
    assert_eq!(b.js(NARROW_OVERFLOW, json!([])), json!([]));
    b.snapshot("narrow");
}

#[test]
fn ui_connection_log_nav_for_its_readers_only() {
    let w = World::new();
    thirty_events(&w);
    let org = default_org_id(&w.s);
    let (_, auditor) = seed_user(&w.s, "dora", &["auditor"], &[(org.as_str(), &[])]);
    let (_, member) = seed_user(&w.s, "carol", &[], &[(org.as_str(), &[])]);
    let (_, org_admin) = seed_user(
        &w.s,
        "olga",
        &[],
        &[(org.as_str(), &["organization-admin"])],
    );
    let b = Browser::start("ui_connection_log_nav_for_its_readers_only");
    let first = api_ids(&w, "limit=25");

    // Coder's check (`connection_log` read in any organization): owner, auditor, and an
    // organization admin (who reads the organization's rows; all of them are in it here).
    for (who, client) in [
        (OWNER_USERNAME, &w.owner),
        ("dora", &auditor),
        ("olga", &org_admin),
    ] {
        b.sign_in_with_token(&w.s.url, client.token.as_deref().expect("token"));
        b.goto(&format!("{}/audit", w.s.url));
        b.wait_text(".nav-username", who);
        b.click(&b.wait_text("nav a[href='/connectionlog']", "Connection log"));
        b.wait_until("the connection log page", |b| {
            b.current_url().ends_with("/connectionlog")
        });
        b.wait_until("every row", |b| b.strings(ROWS) == first);
    }

    b.sign_in_with_token(&w.s.url, member.token.as_deref().expect("token"));
    b.goto(&format!("{}/connectionlog", w.s.url));
    b.wait_text(".nav-username", "carol");
    b.wait_text("#connection-log-table", "No connection logs available");
    assert!(b.strings(ROWS).is_empty());
    assert!(b.find("nav a[href='/connectionlog']").is_none());
    assert!(b.find("nav a[href='/audit']").is_some(), "the nav is drawn");
}

//! Tests: the seat report on the Seats page (/deployment/licenses) in headless Chromium: the
//! limit bar and 90 % warning stay, the report table agrees with the API, sortable headers,
//! the has-seat filter, paging, and the CSV link carries the filter.

use crate::aiseats::{interception, seed_default_member};
use crate::common::TestServer;
use crate::webdriver::Browser;
use serde_json::json;

const ROWS: &str =
    "return [...document.querySelectorAll('#seat-report-table tbody tr[data-username]')].map(r => r.dataset.username)";

fn api_names(owner: &crate::common::Client, query: &str) -> Vec<String> {
    owner
        .get(&format!("/api/v2/coderlite/seats?{query}"))
        .expect(200)
        .body["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_string())
        .collect()
}

fn url_has(b: &Browser, needle: &str) -> bool {
    b.current_url().contains(needle)
}

#[test]
fn ui_seat_report_sort_filter_paging_csv() {
    let server = TestServer::start_with(|c| c.ai_seat_limit = 10);
    let owner = server.owner();
    let mut batch = Vec::new();
    for i in 0..30 {
        let name = format!("seat{i:02}");
        seed_default_member(&server, &name, &[], &[], false);
        if i % 3 == 0 {
            batch.push(interception(
                &name,
                "anthropic",
                &format!("2025-04-{:02}T08:00:00Z", 1 + i / 3),
            ));
        }
    }
    owner
        .post("/api/v2/aibridge/interceptions", json!(batch))
        .expect(201);
    let token = owner.token.clone().expect("token");
    let b = Browser::start("ui_seat_report_sort_filter_paging_csv");
    b.sign_in_with_token(&server.url, &token);

    // The limit bar and the 90 % warning are still there (10 holders of 10 seats).
    b.goto(&format!("{}/deployment/licenses", server.url));
    assert!(b.text(&b.wait("#seat-usage .seat-count")).contains("/ 10"));
    assert!(b.text(&b.wait("#seat-warning")).contains("100%"));

    // Default: username ascending, 25 a page, as the API.
    let first = api_names(&owner, "limit=25");
    b.wait_until("report rows", |b| b.strings(ROWS) == first);
    b.snapshot("report");

    // Sortable header: last use, ascending then descending.
    b.click(&b.wait("#seat-report-table th a[data-sort='last_used_at']"));
    b.wait_until("sort in the URL", |b| url_has(b, "sort=last_used_at"));
    let asc = api_names(&owner, "limit=25&sort=last_used_at&order=asc");
    b.wait_until("sorted rows", |b| b.strings(ROWS) == asc);
    b.click(&b.wait("#seat-report-table th a[data-sort='last_used_at']"));
    b.wait_until("descending in the URL", |b| url_has(b, "order=desc"));
    let desc = api_names(&owner, "limit=25&sort=last_used_at&order=desc");
    b.wait_until("descending rows", |b| b.strings(ROWS) == desc);
    assert_eq!(desc[0], "seat27"); // 2025-04-10, the latest interception

    // Paging keeps the sort.
    b.click(&b.wait("#seat-report .pagination a[aria-label='Page 2']"));
    b.wait_until("page 2", |b| {
        url_has(b, "page=2") && url_has(b, "order=desc")
    });
    let page2 = api_names(&owner, "limit=25&offset=25&sort=last_used_at&order=desc");
    b.wait_until("page 2 rows", |b| b.strings(ROWS) == page2);

    // The has-seat menu builds q; the CSV link carries it.
    b.click(&b.wait("#seat-report-has-seat"));
    b.click(&b.wait("#seat-report-has-seat option[value='true']"));
    b.wait_until("filter in the URL", |b| url_has(b, "has_seat"));
    let holders = api_names(
        &owner,
        "limit=25&q=has_seat:true&sort=last_used_at&order=desc",
    );
    assert_eq!(holders.len(), 10);
    b.wait_until("holder rows", |b| {
        b.strings(ROWS) == holders && b.find(".loading").is_none()
    });
    let href = b
        .attr(&b.wait("#seat-report-csv"), "href")
        .expect("csv link");
    assert!(href.contains("/api/v2/coderlite/seats/export"), "{href}");
    assert!(href.contains("format=csv"), "{href}");
    assert!(href.contains("has_seat"), "{href}");
    let csv = b.js(
        "return fetch(arguments[0]).then(r => r.text())",
        json!([href]),
    );
    let lines: Vec<&str> = csv.as_str().expect("csv text").lines().collect();
    assert!(lines[0].starts_with("user_id,username,"), "{}", lines[0]);
    assert_eq!(lines.len(), 11);
    b.snapshot("filtered");
}

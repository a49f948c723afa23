//! The AI sessions pages in headless Chromium: the list agrees with the API (page, paging,
//! filter menus), a session shows its threads with prompts, thinking, tool calls and tokens,
//! more threads load on demand, and readers without interception access see none.

use super::sessions::two_sessions;
use super::*;
use crate::webdriver::Browser;

const ROWS: &str =
    "return [...document.querySelectorAll('#ai-sessions-table tbody tr[data-session]')].map(r => r.dataset.session)";
const THREADS: &str =
    "return [...document.querySelectorAll('#ai-session-threads article[data-thread]')].map(a => a.dataset.thread)";

fn api_ids(c: &Client, query: &str) -> Vec<String> {
    ids(&ok(c, PREFIXES[0], &format!("/sessions?{query}")))
}

#[test]
fn ui_ai_sessions_list_filters_and_threads() {
    let w = World::new();
    two_sessions(&w);
    // 30 more sessions, so there are two pages; "long" has 25 threads.
    let mut items = Vec::new();
    for i in 0..30u32 {
        let who = if i % 2 == 0 { "alice" } else { "bob" };
        let model = if i % 3 == 0 {
            "gpt-5"
        } else {
            "claude-sonnet-4"
        };
        items.push(ix(
            &uid(1000 + i),
            who,
            2000 + 10 * i as i64,
            2005 + 10 * i as i64,
            json!({"client_session_id": format!("sess-{i:02}"), "model": model, "client": "Codex"}),
        ));
    }
    for t in 0..25u32 {
        items.push(ix(
            &uid(5000 + t),
            "bob",
            9000 + 10 * t as i64,
            9005 + 10 * t as i64,
            json!({"client_session_id": "long", "user_prompts": [{"prompt": format!("step {t}")}]}),
        ));
    }
    record(&w.owner, items);
    let token = w.owner.token.clone().expect("token");
    let b = Browser::start("ui_ai_sessions_list_filters_and_threads");
    b.sign_in_with_token(&w.s.url, &token);

    b.goto(&format!("{}/ai-gateway/sessions", w.s.url));
    let first = api_ids(&w.owner, "limit=25");
    b.wait_until("session rows", |b| b.strings(ROWS) == first);
    assert!(b
        .text(&b.wait("nav a[aria-current='page']"))
        .contains("AI sessions"));
    assert!(b
        .text(&b.wait(".pagination-status"))
        .contains("of 33 sessions"));
    b.snapshot("list");

    b.click(&b.wait(".pagination a[aria-label='Page 2']"));
    let second = api_ids(&w.owner, "limit=25&offset=25");
    b.wait_until("page 2 rows", |b| b.strings(ROWS) == second);

    // The model menu, filled from /ai-gateway/models, builds q.
    b.wait("#ai-sessions-model option[value='gpt-5']");
    b.click(&b.wait("#ai-sessions-model"));
    b.click(&b.wait("#ai-sessions-model option[value='gpt-5']"));
    b.wait_until("filter in the URL", |b| {
        b.current_url().contains("model%3Agpt-5")
    });
    let gpt = api_ids(&w.owner, "limit=25&q=model:gpt-5");
    assert_eq!(gpt.len(), 11);
    b.wait_until("filtered rows", |b| {
        b.strings(ROWS) == gpt && b.find(".loading").is_none()
    });
    // A bad query shows Coder's validation.
    let text = b.wait("#ai-sessions-filter");
    b.clear(&text);
    b.type_text(&text, "gpt-5");
    b.enter(&text);
    b.wait_text(".alert-error", "no search key specified");

    // One session: summary, threads, actions.
    b.goto(&format!("{}/ai-gateway/sessions/claude-1", w.s.url));
    b.wait_until("threads", |b| b.strings(THREADS) == vec![uid(1), uid(3)]);
    let page = b.page_text();
    for needle in [
        "fix the failing parser test",
        "now add tests",
        "list the directory first",
        "Bash",
        "Edit",
        "https://mcp.example.com",
        "305",
        "Claude Code",
    ] {
        assert!(page.contains(needle), "{needle} in {page}");
    }
    assert_eq!(b.find_all("#ai-session-threads .tool-call").len(), 3);
    b.snapshot("session");

    // Twenty threads a page; the rest on demand.
    b.goto(&format!("{}/aibridge/sessions/long", w.s.url));
    b.wait_until("redirect to /ai-gateway", |b| {
        b.current_url().contains("/ai-gateway/sessions/long")
    });
    b.wait_until("first 20 threads", |b| b.strings(THREADS).len() == 20);
    b.click(&b.wait("#ai-session-more"));
    let all: Vec<String> = (0..25).map(|t| uid(5000 + t)).collect();
    b.wait_until("all 25 threads", |b| b.strings(THREADS) == all);
    assert!(b.find("#ai-session-more").is_none());

    // A member sees no sessions and no nav link.
    let (_, member) = seed_user(&w.s, "carol", &[], &[(default_org_id(&w.s).as_str(), &[])]);
    b.sign_in_with_token(&w.s.url, member.token.as_deref().expect("token"));
    b.goto(&format!("{}/ai-gateway/sessions", w.s.url));
    b.wait_text("#ai-sessions-table", "No AI sessions match this filter");
    assert!(b.find("nav a[href='/ai-gateway/sessions']").is_none());
}

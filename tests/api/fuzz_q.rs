//! Random `q`, `limit`, `offset` and `after_id` against every searchable list on one real
//! server (issue 7): the answer is 200 with the list's shape or a 400 in Coder's error shape
//! (a message and validations, or a detail where Coder gives none) — never a 5xx. The
//! parser-level properties (SQL text, every parser, many more cases) are the lib's
//! `search::proptests`.

use crate::common::{create_user, url_encode, TestServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

const KEYS: &[&str] = &[
    "action",
    "resource_type",
    "resource_target",
    "username",
    "email",
    "date_from",
    "date_to",
    "organization",
    "request_id",
    "build_reason",
    "status",
    "role",
    "name",
    "login_type",
    "created_after",
    "last_seen_before",
    "has_ai_seat",
    "service_account",
    "github_com_user_id",
    "user_id",
    "include_system",
    "github_user_id",
    "initiator",
    "provider",
    "model",
    "client",
    "started_after",
    "started_before",
    "owner",
    "deleted",
    "has-ai-task",
    "id",
    "nope",
];

const VALUES: &[&str] = &[
    "me",
    "admin",
    "create",
    "login",
    "workspace",
    "user",
    "active",
    "owner",
    "member",
    "true",
    "False",
    "x",
    "-1",
    "99999999999999999999",
    "2024-01-01",
    "2024-02-30",
    "\"2024-01-02T03:04:05Z\"",
    "\"2024-01-02T03:04:05+00:0é\"",
    "coder",
    "00000000-0000-0000-0000-000000000000",
    "5d7c7f2a-3b1e-4e8b-9a3c-2f1d0e9b8a7c",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "<script>",
    "a/b",
    "a/b/c",
    "\"a b\"",
    "日本",
    "\u{0}",
];

/// Time keys with quoted RFC 3339 values, odd ones included (the parsers slice these by
/// position).
const TIME_KEYS: &[&str] = &[
    "created_after",
    "created_before",
    "last_seen_after",
    "last_seen_before",
    "started_after",
    "started_before",
    "date_from",
    "date_to",
];
const TIMES: &[&str] = &[
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.5+01:00",
    "2024-01-02T03:04:05+00:0é",
    "2024-01-02T03:04:05-é:00",
    "2024-01-02T03:04:05+24:61",
    "2024-02-30T00:00:00Z",
    "2024-01-02",
    "2024-01-0日",
    "9999-12-31T23:59:59.999999999Z",
    "2024-01-02t03:04:05z",
];

fn q() -> impl Strategy<Value = String> {
    let term = prop_oneof![
        4 => (prop::sample::select(KEYS), prop::sample::select(VALUES))
            .prop_map(|(k, v)| format!("{k}:{v}")),
        2 => (prop::sample::select(TIME_KEYS), prop::sample::select(TIMES))
            .prop_map(|(k, v)| format!("{k}:\"{v}\"")),
        1 => prop::sample::select(VALUES).prop_map(str::to_string),
        1 => "\\PC{0,10}",
    ];
    prop::collection::vec(term, 0..4).prop_map(|t| t.join(" "))
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("".to_string()),
        (0i64..60).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("2147483648".to_string()),
        Just("abc".to_string()),
        Just("1.5".to_string()),
    ]
}

fn after_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("5d7c7f2a-3b1e-4e8b-9a3c-2f1d0e9b8a7c".to_string()),
        Just("00000000-0000-0000-0000-000000000000".to_string()),
        Just("nope".to_string()),
    ]
}

type Params = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn params() -> impl Strategy<Value = Params> {
    (
        q(),
        prop::option::of(number()),
        prop::option::of(number()),
        prop::option::weighted(0.2, after_id()),
        prop::option::weighted(0.1, q()),
    )
}

fn query_string((q, limit, offset, after, second_q): &Params) -> String {
    let mut parts = vec![format!("q={}", url_encode(q))];
    let named = [
        ("limit", limit),
        ("offset", offset),
        ("after_id", after),
        ("q", second_q),
    ];
    for (k, v) in named {
        if let Some(v) = v {
            parts.push(format!("{k}={}", url_encode(v)));
        }
    }
    parts.join("&")
}

/// 200 with `list_key` (an array; `None` = the body itself is an array), or a Coder 400.
fn check(status: u16, body: &Value, text: &str, list_key: Option<&str>) -> Result<(), String> {
    match status {
        200 => {
            let list = match list_key {
                Some(k) => &body[k],
                None => body,
            };
            if !list.is_array() {
                return Err(format!("200 without the list: {text}"));
            }
            if list_key.is_some() && !body["count"].is_i64() {
                return Err(format!("200 without count: {text}"));
            }
        }
        400 => {
            if body["message"].as_str().is_none_or(str::is_empty) {
                return Err(format!("400 without message: {text}"));
            }
            let validations = body["validations"].as_array();
            let detail = body["detail"].as_str().is_some_and(|d| !d.is_empty());
            let well_formed = validations.is_some_and(|v| {
                !v.is_empty()
                    && v.iter().all(|x| {
                        x["field"].as_str().is_some_and(|f| !f.is_empty())
                            && x["detail"].as_str().is_some_and(|d| !d.is_empty())
                    })
            });
            if !(well_formed || (validations.is_none() && detail)) {
                return Err(format!("400 not in Coder's shape: {text}"));
            }
        }
        s => return Err(format!("status {s}: {text}")),
    }
    Ok(())
}

#[test]
fn random_queries_answer_200_or_coder_400() {
    let server = TestServer::start();
    let owner = server.owner();
    create_user(&server, &owner, "fuzzer-friend", &[]);
    let endpoints: &[(&str, Option<&str>)] = &[
        ("/api/v2/audit", Some("audit_logs")),
        ("/api/v2/users", Some("users")),
        (
            "/api/v2/organizations/default/paginated-members",
            Some("members"),
        ),
        ("/api/v2/organizations/default/members", None),
        ("/api/v2/aibridge/interceptions", Some("results")),
        ("/api/v2/workspaces", Some("workspaces")),
    ];
    for (path, list_key) in endpoints {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&params(), |p| {
            let url = format!("{path}?{}", query_string(&p));
            let r = owner.get(&url);
            check(r.status, &r.body, &r.text, *list_key)
                .map_err(|e| TestCaseError::fail(format!("GET {url}: {e}")))
        });
        if let Err(e) = result {
            panic!("{path}: {e}");
        }
    }
}

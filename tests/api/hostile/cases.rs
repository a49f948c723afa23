//! Case generators: from one endpoint of the table, every hostile variant of its path
//! parameters and query string (bodies: `bodies.rs`), with what the server must answer.

use super::endpoints::{Endpoint, Kind};
use super::raw::encode;
use super::{Case, Expect, Fixture};

/// Hostile text for string fields, `q` values and path parameters.
pub fn hostile_strings() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = [
        ("sql-or", "' OR 1=1 --"),
        ("sql-drop", "\"; DROP TABLE users; --"),
        ("percent", "%"),
        ("underscore", "_"),
        ("backslash", "\\"),
        ("html", "<script>alert(1)</script>"),
        ("nul", "a\u{0}b"),
        ("unicode", "ünïcødé"),
        ("emoji", "😀🔥"),
        ("rtl", "\u{202e}evil\u{202c}"),
        ("traversal", "../../../etc/passwd"),
    ]
    .iter()
    .map(|(l, s)| (*l, s.to_string()))
    .collect();
    v.push(("long-name", "a".repeat(300)));
    v.push(("100KB", "x".repeat(100 * 1024)));
    v
}

/// Path-parameter garbage: (label, text to percent-encode, or a raw segment when `raw`).
fn path_garbage() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = hostile_strings()
        .into_iter()
        .filter(|(l, _)| *l != "100KB")
        .map(|(l, s)| (l.to_string(), encode(&s)))
        .collect();
    for (l, raw) in [
        ("zero-uuid", "00000000-0000-0000-0000-000000000000"),
        ("unknown-uuid", "6f1f3a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f"),
        ("not-uuid", "not-a-uuid"),
        ("dotdot", ".."),
        ("enc-dotdot", "%2e%2e"),
        ("bad-utf8", "%FF%FE"),
        ("enc-slash", "..%2F..%2F"),
        ("negative", "-1"),
    ] {
        v.push((l.to_string(), raw.to_string()));
    }
    v
}

pub fn target_of(fx: &Fixture, ep: &Endpoint, query: &str) -> Vec<u8> {
    format!("{}{query}", fx.fill(ep.path)).into_bytes()
}

pub fn case(
    ep: &Endpoint,
    label: String,
    target: Vec<u8>,
    body: Option<Vec<u8>>,
    expect: Expect,
) -> Case {
    Case {
        label,
        method: ep.method,
        target,
        body,
        chunked: false,
        expect,
        kind: ep.kind,
        verbatim: None,
        anonymous: false,
    }
}

/// Every `{param}` of a path template but `{default_org}`.
fn params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|s| s.starts_with('{') && s.ends_with('}') && *s != "{default_org}")
        .collect()
}

pub fn path_cases(fx: &Fixture, ep: &Endpoint) -> Vec<Case> {
    let mut out = Vec::new();
    for p in params(ep.path) {
        for (label, seg) in path_garbage() {
            let target = fx.fill(&ep.path.replace(p, &seg)).into_bytes();
            let body = ep.body.map(|b| fx.fill(b).into_bytes());
            // Coder's `ExtractOrganizationParam` reads the nil UUID as the default organization.
            let alias = p == "{org}" && label == "zero-uuid";
            let expect = if ep.kind == Kind::Ui || alias {
                Expect::Either
            } else {
                Expect::Reject
            };
            out.push(case(ep, format!("path {p}={label}"), target, body, expect));
        }
    }
    out
}

const BAD_PAGINATION: &[&str] = &[
    "limit=-1",
    "limit=99999999999999999999",
    "limit=2147483648",
    "limit=abc",
    "limit=1.5",
    "limit=1&limit=2",
    "offset=-1",
    "offset=99999999999999999999",
    "offset=abc",
    "offset=1&offset=2",
    "after_id=not-a-uuid",
    "after_id=1&after_id=2",
];

const ODD_PAGINATION: &[&str] = &[
    "after_id=00000000-0000-0000-0000-000000000000",
    "after_id=6f1f3a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f",
    "limit=0&offset=0",
    "limit=%FF",
    "after_id=%00",
    "q=a&q=b",
    "q=%FF%FE",
    "q=%zz",
    "limit=+1",
    "limit=%20",
];

pub fn query_cases(fx: &Fixture, ep: &Endpoint) -> Vec<Case> {
    if ep.method != "GET" {
        return Vec::new();
    }
    let mut out = Vec::new();
    let q = |query: String| target_of(fx, ep, &format!("?{query}"));
    out.push(case(
        ep,
        "query mixed garbage".into(),
        q("q=%27%20OR%201%3D1%20--&limit=abc&offset=-1&after_id=zz".into()),
        None,
        Expect::Either,
    ));
    if ep.paginated {
        for p in BAD_PAGINATION {
            out.push(case(
                ep,
                format!("query {p}"),
                q(p.to_string()),
                None,
                Expect::Invalid,
            ));
        }
    }
    if ep.paginated || !ep.q_keys.is_empty() {
        for p in ODD_PAGINATION {
            out.push(case(
                ep,
                format!("query {p}"),
                q(p.to_string()),
                None,
                Expect::Either,
            ));
        }
    }
    if ep.q_keys.is_empty() {
        return out;
    }
    // Go's net/http reads request heads up to 1 MiB: a 100 KiB q is answered like any
    // other, one past the limit gets 431 in Coder's JSON error shape.
    out.push(case(
        ep,
        "q of 100 KiB".into(),
        q(format!("q={}", "x".repeat(100 * 1024))),
        None,
        Expect::Either,
    ));
    out.push(case(
        ep,
        "q over the 1 MiB head limit".into(),
        q(format!("q={}", "x".repeat(1100 * 1024))),
        None,
        Expect::Status(431),
    ));
    let mut strings: Vec<(&str, String)> = hostile_strings()
        .into_iter()
        .filter(|(l, _)| *l != "100KB")
        .collect();
    strings.push(("8KB", "y".repeat(8 * 1024)));
    strings.push(("60KB", "z".repeat(60 * 1024)));
    for (label, h) in strings {
        out.push(case(
            ep,
            format!("q={label}"),
            q(format!("q={}", encode(&h))),
            None,
            Expect::Either,
        ));
        for (i, key) in ep.q_keys.iter().enumerate() {
            out.push(case(
                ep,
                format!("q={key}:{label}"),
                q(format!("q={}", encode(&format!("{key}:{h}")))),
                None,
                Expect::Either,
            ));
            if i == 0 {
                let quoted = format!("{key}:\"{h}\"");
                out.push(case(
                    ep,
                    format!("q={key}:\"{label}\""),
                    q(format!("q={}", encode(&quoted))),
                    None,
                    Expect::Either,
                ));
            }
        }
    }
    out
}

/// Traversal attempts on the UI's asset route; none may serve a file outside the embedded set.
pub fn asset_cases() -> Vec<Case> {
    [
        "/assets/../../Cargo.toml",
        "/assets/../../../../etc/passwd",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/..\\..\\Cargo.toml",
        "/assets/....//....//Cargo.toml",
        "/assets/%252e%252e%252fCargo.toml",
        "/assets/../index.html",
        "/assets/../src/main.rs",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/C:%5cwindows%5cwin.ini",
        "/assets/app.css%00.png",
        "/assets/.%00./Cargo.toml",
        "/assets/js/../../../Cargo.toml",
        "/assets/%c0%ae%c0%ae/Cargo.toml",
        "/assets/%FF%FE",
        "/assets/",
        "/assets/.hidden.js",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/api/v2/../../Cargo.toml",
    ]
    .iter()
    .map(|t| Case {
        label: "asset traversal".into(),
        method: "GET",
        target: t.as_bytes().to_vec(),
        body: None,
        chunked: false,
        expect: Expect::Reject,
        kind: if t.starts_with("/api/v2") {
            Kind::Api
        } else {
            Kind::Ui
        },
        verbatim: None,
        anonymous: true,
    })
    .collect()
}

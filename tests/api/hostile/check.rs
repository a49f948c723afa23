//! What every answer must satisfy: no 5xx, the expected status, Coder's error shape for
//! `/api/v2`, no file from outside the UI assets, and the database unchanged unless the
//! request legitimately wrote (then hostile text must be stored verbatim).

use super::endpoints::Kind;
use super::{dbstate, raw, Case, Expect};
use serde_json::Value;

/// Every expectation of one case; empty when it held.
pub fn check(
    c: &Case,
    resp: &raw::RawResp,
    before: &dbstate::Snapshot,
    after: &dbstate::Snapshot,
    conn: &crate::common::TestDb,
) -> Vec<String> {
    let mut p = Vec::new();
    let s = resp.status;
    let text = String::from_utf8_lossy(&resp.body);
    let body = || dbstate::clip(&text);
    if s >= 500 {
        p.push(format!("server error {s}: {}", body()));
    }
    match c.expect {
        Expect::Reject if !(400..500).contains(&s) => {
            p.push(format!("want 4xx, got {s}: {}", body()))
        }
        Expect::Status(want) if s != want => p.push(format!("want {want}, got {s}: {}", body())),
        _ => {}
    }
    if ["[package]", "root:x:0:0", "fn main("]
        .iter()
        .any(|m| text.contains(m))
    {
        p.push("answer contains a file from outside the embedded UI assets".into());
    }
    if c.kind == Kind::Api && s >= 400 {
        p.extend(coder_error_shape(resp, c.expect == Expect::Invalid));
    } else if c.expect == Expect::Invalid {
        p.push(format!("want 400 with validations, got {s}: {}", body()));
    }
    let write_ok = (200..300).contains(&s) && !matches!(c.method, "GET" | "HEAD") && !c.anonymous;
    if write_ok {
        if let Some(v) = &c.verbatim {
            if !dbstate::stores_verbatim(after, v) {
                p.push(format!(
                    "accepted ({s}) but {:?} is not stored verbatim",
                    dbstate::clip(v)
                ));
            }
        }
    } else {
        p.extend(dbstate::table_changes(before, after));
        p.extend(dbstate::bad_audit_rows(conn, before.audit_seq));
    }
    p
}

/// Coder's `codersdk.Response`: a JSON object with a non-empty `message`, optional string
/// `detail` and optional `validations` of `{field, detail}`; nothing else.
fn coder_error_shape(resp: &raw::RawResp, want_validations: bool) -> Vec<String> {
    let mut p = Vec::new();
    let text = String::from_utf8_lossy(&resp.body);
    let ct = resp.header("content-type").unwrap_or("");
    if !ct.starts_with("application/json") {
        p.push(format!(
            "{} error content-type {ct:?}, body {}",
            resp.status,
            dbstate::clip(&text)
        ));
    }
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&resp.body) else {
        p.push(format!(
            "{} error body is not a JSON object: {}",
            resp.status,
            dbstate::clip(&text)
        ));
        return p;
    };
    if obj
        .get("message")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        p.push(format!("error without a message: {}", dbstate::clip(&text)));
    }
    if obj
        .keys()
        .any(|k| !["message", "detail", "validations"].contains(&k.as_str()))
    {
        p.push(format!("error with unknown keys: {}", dbstate::clip(&text)));
    }
    if obj.get("detail").is_some_and(|d| !d.is_string()) {
        p.push("error detail is not a string".into());
    }
    let validations = obj.get("validations").and_then(Value::as_array);
    if let Some(vs) = validations {
        if vs
            .iter()
            .any(|v| !v["field"].is_string() || !v["detail"].is_string())
        {
            p.push(format!("malformed validations: {}", dbstate::clip(&text)));
        }
    }
    if want_validations && (resp.status != 400 || validations.is_none_or(|v| v.is_empty())) {
        p.push(format!(
            "want 400 with validations, got {}: {}",
            resp.status,
            dbstate::clip(&text)
        ));
    }
    p
}

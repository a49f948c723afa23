//! Body cases: malformed, truncated, wrongly typed, huge, deeply nested, invalid UTF-8 and
//! NUL bodies, and hostile text in every string field of an endpoint's valid body.

use super::cases::{case, hostile_strings, target_of};
use super::endpoints::Endpoint;
use super::{Case, Expect, Fixture};
use serde_json::Value;

/// A JSON text with `field`'s value replaced by raw bytes.
fn with_raw_field(valid: &Value, field: &str, raw: &[u8]) -> Vec<u8> {
    let mut v = valid.clone();
    v[field] = Value::String("\u{1}MARK\u{1}".into());
    let text = v.to_string();
    let mark = "\"\\u0001MARK\\u0001\"";
    let (a, b) = text.split_once(mark).expect("marker");
    [a.as_bytes(), raw, b.as_bytes()].concat()
}

fn wrong_types(v: &Value) -> Vec<Value> {
    use serde_json::json;
    match v {
        Value::String(_) => vec![json!(12345), json!(true), json!({}), json!(["x"])],
        Value::Bool(_) => vec![json!("true"), json!(1), json!([]), json!({})],
        Value::Number(_) => vec![json!("1"), json!(true), json!(1.5), json!(1e300), json!([])],
        Value::Array(_) => vec![json!("x"), json!(1), json!({}), json!([1, 2]), json!([{}])],
        Value::Object(_) => vec![json!("x"), json!(1), json!([])],
        Value::Null => vec![],
    }
}

pub fn body_cases(fx: &Fixture, ep: &Endpoint) -> Vec<Case> {
    let Some(template) = ep.body else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let valid =
        || -> Value { serde_json::from_str(&fx.fill(template)).expect("valid body template") };
    let reject = |fx: &Fixture, label: String, body: Vec<u8>| {
        case(ep, label, target_of(fx, ep, ""), Some(body), Expect::Reject)
    };
    let maybe = |ok: bool| {
        if ok && !ep.never_ok {
            Expect::Either
        } else {
            Expect::Reject
        }
    };
    let text = valid().to_string();
    if ep.null_ok {
        out.push(case(
            ep,
            "body empty".into(),
            target_of(fx, ep, ""),
            Some(Vec::new()),
            Expect::Either,
        ));
    } else {
        out.push(reject(fx, "body empty".into(), Vec::new()));
    }
    let malformed: Vec<(&str, Vec<u8>)> = vec![
        ("open-brace", b"{".to_vec()),
        ("open-string", b"{\"".to_vec()),
        ("close-brace", b"}".to_vec()),
        ("not-json", b"not json".to_vec()),
        ("bad-escape", b"{\"a\":\"\\uZZZZ\"}".to_vec()),
        ("nul-literal", b"nul".to_vec()),
        ("truncated-half", text.as_bytes()[..text.len() / 2].to_vec()),
        ("truncated-last", text.as_bytes()[..text.len() - 1].to_vec()),
        ("trailing-garbage", format!("{text}xyz").into_bytes()),
        ("two-objects", format!("{text}{text}").into_bytes()),
        ("string", b"\"hello\"".to_vec()),
        ("number", b"123".to_vec()),
        ("bool", b"true".to_vec()),
        ("deep-100k-open", "[".repeat(100_000).into_bytes()),
        ("deep-50k-objects", "{\"a\":".repeat(50_000).into_bytes()),
        (
            "deep-10k-closed",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
    ];
    for (label, body) in malformed {
        out.push(reject(fx, format!("body {label}"), body));
    }
    for (label, body, ok) in [
        ("null", "null".to_string(), ep.null_ok),
        ("empty-array", "[]".to_string(), ep.array_ok),
        ("array-of-valid", format!("[{}]", valid()), ep.array_ok),
    ] {
        out.push(case(
            ep,
            format!("body {label}"),
            target_of(fx, ep, ""),
            Some(body.into_bytes()),
            maybe(ok),
        ));
    }
    let obj = valid();
    let fields: Vec<(String, Value)> = obj
        .as_object()
        .expect("object body")
        .clone()
        .into_iter()
        .collect();
    let first_string = fields
        .iter()
        .find(|(_, v)| v.is_string())
        .map(|(k, _)| k.clone());
    if let Some(f) = &first_string {
        for (label, raw) in [
            ("invalid-utf8", b"\"a\xff\xfe\x80b\"".to_vec()),
            ("lone-surrogate", b"\"\\ud800\"".to_vec()),
            ("raw-nul", b"\"a\x00b\"".to_vec()),
            ("raw-newline", b"\"a\nb\"".to_vec()),
            ("deep-field", "[".repeat(100_000).into_bytes()),
        ] {
            out.push(reject(
                fx,
                format!("body {f}={label}"),
                with_raw_field(&valid(), f, &raw),
            ));
        }
        let mut big = valid();
        big[f.as_str()] = Value::String("x".repeat(ep.body_limit + 1));
        out.push(case(
            ep,
            format!("body {f}=limit+1"),
            target_of(fx, ep, ""),
            Some(big.to_string().into_bytes()),
            Expect::Status(413),
        ));
    }
    let mut huge = valid();
    huge["pad"] = Value::String("x".repeat((10 * 1024 * 1024).max(ep.body_limit + 1)));
    let huge = huge.to_string().into_bytes();
    out.push(case(
        ep,
        "body 10MB".into(),
        target_of(fx, ep, ""),
        Some(huge.clone()),
        Expect::Status(413),
    ));
    let mut chunked = case(
        ep,
        "body 10MB chunked".into(),
        target_of(fx, ep, ""),
        Some(huge),
        Expect::Status(413),
    );
    chunked.chunked = true;
    out.push(chunked);
    for (name, value) in &fields {
        for wrong in wrong_types(value) {
            let mut v = valid();
            v[name.as_str()] = wrong.clone();
            out.push(reject(
                fx,
                format!("body {name}={wrong}"),
                v.to_string().into_bytes(),
            ));
        }
        let strict = ep.strict.contains(&name.as_str());
        for (label, h) in hostile_strings() {
            let mut v = valid();
            match value {
                Value::String(_) => v[name.as_str()] = Value::String(h.clone()),
                Value::Array(_) => v[name.as_str()] = Value::Array(vec![Value::String(h.clone())]),
                _ => continue,
            }
            let allowed = ep.ok_values.contains(&h.as_str());
            let mut c = case(
                ep,
                format!("body {name}={label}"),
                target_of(fx, ep, ""),
                Some(v.to_string().into_bytes()),
                maybe(!strict || allowed),
            );
            if !name.contains("password") && !allowed {
                c.verbatim = Some(h);
            }
            out.push(c);
        }
    }
    out
}

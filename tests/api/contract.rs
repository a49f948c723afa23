//! Coder's client contract, checked on every live response of the HTTP suite.
//!
//! `contract/coder_types.json` is a hand-kept table of the response types that Coder's own
//! web client declares (`site/src/api/typesGenerated.ts` of the release named in the file):
//! for every type its fields, each field's JSON type, and whether it is optional; and for every
//! endpoint coderlite serves, the type of its answer. `common::Client` hands every `/api/v2`
//! response to [`check_response`], so each test of the suite also checks that what it got is
//! what a Coder client expects: every required field present, with the right JSON type, enum
//! strings from Coder's enums, and errors in Coder's `Response` shape.
//!
//! Type grammar of the table: `string | number | boolean | unknown | Record<K, V> | Name`,
//! then `[]` (array, may repeat), then ` | null`; a field name ending in `?` is optional; a type
//! that is an array of strings is an enum; `Record<Enum, V>` needs every enum key.

use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

mod walk;

const TABLE_JSON: &str = include_str!("contract/coder_types.json");

/// Enum values coderlite sends that the table's release lacks: coderlite's own audit
/// resources (retention purges of audit and connection logs, online backups) and resource
/// types of newer Coder releases.
const EXTENSIONS: &[(&str, &[&str])] = &[(
    "ResourceType",
    &[
        "audit_log",
        "connection_log",
        "database_backup",
        "chat_project",
        "mcp_server_config",
        "chat_model_config",
        "chat_instruction_settings",
        "chat_operational_settings",
        "experiment_rule",
    ],
)];

struct Endpoint {
    method: String,
    pattern: String,
    segments: Vec<String>,
    ty: String,
}

pub struct Table {
    pub release: String,
    types: HashMap<String, Value>,
    endpoints: Vec<Endpoint>,
    /// Endpoints whose 2xx answers carry no typed body (204s, `GET /users/first`).
    no_body: Vec<Endpoint>,
}

fn endpoints(v: &Value, key: &str) -> Vec<Endpoint> {
    v[key]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let pattern = e[1].as_str().expect("path").to_string();
            Endpoint {
                method: e[0].as_str().expect("method").to_string(),
                segments: pattern.split('/').map(str::to_string).collect(),
                pattern,
                ty: e.get(2).and_then(Value::as_str).unwrap_or("").to_string(),
            }
        })
        .collect()
}

pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let v: Value = serde_json::from_str(TABLE_JSON).expect("coder_types.json parses");
        let types = v["types"]
            .as_object()
            .expect("types")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Table {
            release: v["release"].as_str().unwrap_or("").to_string(),
            types,
            endpoints: endpoints(&v, "endpoints"),
            no_body: endpoints(&v, "no_body_endpoints"),
        }
    })
}

thread_local! {
    /// Endpoints (method and pattern) whose 2xx answers this thread has checked.
    static CHECKED: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// The endpoints of the table whose 2xx answers the current test thread has checked so far.
pub fn checked_on_this_thread() -> BTreeSet<String> {
    CHECKED.with(|c| c.borrow().clone())
}

/// Every endpoint of the table, as "METHOD pattern".
pub fn all_endpoints() -> BTreeSet<String> {
    table()
        .endpoints
        .iter()
        .map(|e| format!("{} {}", e.method, e.pattern))
        .collect()
}

fn find<'a>(list: &'a [Endpoint], method: &str, path: &str) -> Option<&'a Endpoint> {
    let segs: Vec<&str> = path.split('/').collect();
    list.iter()
        .filter(|e| e.method == method && e.segments.len() == segs.len())
        .filter(|e| {
            e.segments
                .iter()
                .zip(&segs)
                .all(|(p, s)| p.starts_with('{') || p == s)
        })
        // The most literal pattern wins: /users/roles before /users/{user}.
        .max_by_key(|e| literal(e))
}

fn literal(e: &Endpoint) -> usize {
    e.segments.iter().filter(|p| !p.starts_with('{')).count()
}

/// Checks one response against the contract; `Err` lists every violation.
pub fn check_response(
    method: &str,
    path: &str,
    status: u16,
    headers: &[(String, String)],
    text: &str,
) -> Result<(), String> {
    let path = path.split('?').next().unwrap_or(path);
    if !path.starts_with("/api/v2/") {
        return Ok(());
    }
    let json = crate::common::find_header(headers, "content-type")
        .is_some_and(|ct| ct.starts_with("application/json"));
    let t = table();
    let ty = if status >= 400 {
        if !json {
            return Err(format!("{status} answered without a JSON body: {text:?}"));
        }
        "Response".to_string()
    } else if let Some(e) = find(&t.endpoints, method, path)
        .filter(|e| find(&t.no_body, method, path).is_none_or(|nb| literal(nb) < literal(e)))
    {
        CHECKED.with(|c| c.borrow_mut().insert(format!("{} {}", e.method, e.pattern)));
        if !json {
            return Err(format!("{status} answer without a JSON content type"));
        }
        e.ty.clone()
    } else {
        // No body (204s), or a coderlite-only endpoint (fixtures, export, verify, backup).
        return Ok(());
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("body is not JSON ({e}): {text:.200}"))?;
    let mut errs = Vec::new();
    check(t, &ty, &value, "$", &mut errs);
    if errs.is_empty() {
        Ok(())
    } else {
        errs.truncate(20);
        Err(format!(
            "{method} {path} ({status}) does not match Coder's `{ty}` ({}):\n  {}",
            t.release,
            errs.join("\n  ")
        ))
    }
}

/// Splits `K, V` of `Record<K, V>` at the top-level comma.
fn split_record(inner: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => return (inner[..i].trim(), inner[i + 1..].trim()),
            _ => {}
        }
    }
    panic!("bad Record type {inner:?}")
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn enum_allows(name: &str, values: &[Value], s: &str) -> bool {
    values.iter().any(|v| v.as_str() == Some(s))
        || EXTENSIONS
            .iter()
            .any(|(n, extra)| *n == name && extra.contains(&s))
}

fn check(t: &Table, ty: &str, v: &Value, at: &str, errs: &mut Vec<String>) {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_suffix("| null") {
        if !v.is_null() {
            check(t, inner, v, at, errs);
        }
        return;
    }
    if let Some(inner) = ty.strip_suffix("[]") {
        match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(t, inner, item, &format!("{at}[{i}]"), errs);
                }
            }
            None => errs.push(format!("{at}: expected {ty}, got {}", json_kind(v))),
        }
        return;
    }
    if let Some(inner) = ty.strip_prefix("Record<").and_then(|r| r.strip_suffix('>')) {
        let (key, value) = split_record(inner);
        let Some(obj) = v.as_object() else {
            errs.push(format!("{at}: expected {ty}, got {}", json_kind(v)));
            return;
        };
        for (k, item) in obj {
            check(t, value, item, &format!("{at}.{k}"), errs);
        }
        if key != "string" {
            let keys = t.types.get(key).and_then(Value::as_array);
            let Some(keys) = keys else {
                errs.push(format!("{at}: table has no enum {key}"));
                return;
            };
            for k in keys.iter().filter_map(Value::as_str) {
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: missing key {k:?} of {key}"));
                }
            }
            for k in obj.keys() {
                if !enum_allows(key, keys, k) {
                    errs.push(format!("{at}: key {k:?} is not a {key}"));
                }
            }
        }
        return;
    }
    let ok = match ty {
        "unknown" => true,
        "string" => v.is_string(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        name => {
            match t.types.get(name) {
                None => errs.push(format!("{at}: table has no type {name}")),
                Some(Value::String(alias)) => check(t, alias, v, at, errs),
                Some(Value::Array(values)) => match v.as_str() {
                    Some(s) if enum_allows(name, values, s) => {}
                    Some(s) => errs.push(format!("{at}: {s:?} is not a {name}")),
                    None => errs.push(format!("{at}: expected {name}, got {}", json_kind(v))),
                },
                Some(Value::Object(fields)) => match v.as_object() {
                    None => errs.push(format!("{at}: expected {name}, got {}", json_kind(v))),
                    Some(obj) => {
                        for (field, fty) in fields {
                            let fty = fty.as_str().unwrap_or("unknown");
                            let (field, optional) = match field.strip_suffix('?') {
                                Some(f) => (f, true),
                                None => (field.as_str(), false),
                            };
                            match obj.get(field) {
                                // Go's NullTime and pointers without omitempty: TS declares
                                // them optional, Go sends null (e.g. a build's `deadline`).
                                Some(Value::Null) if optional => {}
                                Some(fv) => check(t, fty, fv, &format!("{at}.{field}"), errs),
                                None if optional => {}
                                None => errs.push(format!(
                                    "{at}: {name} lacks required field {field:?} ({fty})"
                                )),
                            }
                        }
                    }
                },
                Some(other) => errs.push(format!("{at}: bad table entry {name}: {other}")),
            }
            true
        }
    };
    if !ok {
        errs.push(format!("{at}: expected {ty}, got {}", json_kind(v)));
    }
}

//! Body of `POST /aibridge/interceptions` (coderlite extension): one interception object or
//! an array of up to `MAX_BATCH`. Shape errors are collected per item and reported with the
//! item's index in the field name (`[3].started_at`); database checks (initiators, ids) run
//! afterwards in the writing transaction.

use crate::error::{ApiError, Validation};
use crate::store::interceptions::NewInterception;
use serde_json::Value;

pub const MAX_BATCH: usize = 10_000;
/// At most this many validation entries are returned (the rest are summarised).
const MAX_REPORTED: usize = 100;

/// One item that passed shape validation; `initiator` is still a raw id or username.
pub struct Item {
    pub field_prefix: String,
    pub initiator: String,
    pub row: NewInterception,
}

pub struct Parsed {
    pub items: Vec<Item>,
    pub is_batch: bool,
}

fn opt_string(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    prefix: &str,
    errs: &mut Vec<Validation>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errs.push(Validation::new(
                format!("{prefix}{key}"),
                "must be a string",
            ));
            None
        }
    }
}

fn required_string(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    prefix: &str,
    errs: &mut Vec<Validation>,
) -> String {
    match opt_string(obj, key, prefix, errs) {
        Some(s) if !s.trim().is_empty() => s,
        Some(_) | None => {
            if !errs.iter().any(|e| e.field == format!("{prefix}{key}")) {
                errs.push(Validation::required(&format!("{prefix}{key}")));
            }
            String::new()
        }
    }
}

fn time_field(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    prefix: &str,
    errs: &mut Vec<Validation>,
) -> Option<i64> {
    let s = opt_string(obj, key, prefix, errs)?;
    match crate::timefmt::parse_rfc3339(&s) {
        Ok(m) => Some(m),
        Err(_) => {
            errs.push(Validation::new(
                format!("{prefix}{key}"),
                format!("must be an RFC 3339 time (2006-01-02T15:04:05Z07:00), got {s:?}"),
            ));
            None
        }
    }
}

fn parse_item(v: &Value, prefix: &str, errs: &mut Vec<Validation>) -> Option<Item> {
    let Some(obj) = v.as_object() else {
        let field = prefix.trim_end_matches('.');
        errs.push(Validation::new(
            if field.is_empty() { "body" } else { field },
            "must be a JSON object",
        ));
        return None;
    };
    let before = errs.len();
    let id = match opt_string(obj, "id", prefix, errs) {
        None => Some(crate::model::new_uuid()),
        Some(s) => match crate::model::parse_uuid(&s) {
            Some(u) if u != crate::model::NIL_UUID => Some(u),
            _ => {
                errs.push(Validation::new(
                    format!("{prefix}id"),
                    format!("must be a valid UUID, got {s:?}"),
                ));
                None
            }
        },
    };
    let initiator = required_string(obj, "initiator", prefix, errs);
    let provider = required_string(obj, "provider", prefix, errs);
    let provider_name = opt_string(obj, "provider_name", prefix, errs);
    let model = required_string(obj, "model", prefix, errs);
    let started_at = time_field(obj, "started_at", prefix, errs);
    if started_at.is_none()
        && !errs
            .iter()
            .any(|e| e.field == format!("{prefix}started_at"))
    {
        errs.push(Validation::required(&format!("{prefix}started_at")));
    }
    let ended_at = time_field(obj, "ended_at", prefix, errs);
    if let (Some(s), Some(e)) = (started_at, ended_at) {
        if e < s {
            errs.push(Validation::new(
                format!("{prefix}ended_at"),
                "must not be before started_at",
            ));
        }
    }
    let metadata = match obj.get("metadata") {
        None | Some(Value::Null) => None,
        Some(m @ Value::Object(_)) => Some(m.to_string()),
        Some(_) => {
            errs.push(Validation::new(
                format!("{prefix}metadata"),
                "must be a JSON object or null",
            ));
            None
        }
    };
    let api_key_id = opt_string(obj, "api_key_id", prefix, errs);
    let client = opt_string(obj, "client", prefix, errs);
    if errs.len() > before {
        return None;
    }
    Some(Item {
        field_prefix: prefix.to_string(),
        initiator: initiator.clone(),
        row: NewInterception {
            id: id.unwrap_or_default(),
            initiator_id: String::new(),
            provider_name: provider_name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| provider.clone()),
            provider,
            model,
            started_at: started_at.unwrap_or_default(),
            ended_at,
            metadata,
            api_key_id,
            client,
        },
    })
}

/// Caps a validation list, noting how many were left out.
pub fn capped(mut errs: Vec<Validation>) -> Vec<Validation> {
    if errs.len() > MAX_REPORTED {
        let more = errs.len() - MAX_REPORTED;
        errs.truncate(MAX_REPORTED);
        errs.push(Validation::new(
            "body",
            format!("... and {more} more validation errors"),
        ));
    }
    errs
}

/// Parses and shape-validates the body.
pub fn parse(body: &[u8]) -> Result<Parsed, ApiError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::invalid_json(e.to_string()))?;
    let mut errs = Vec::new();
    let (items, is_batch) = match &v {
        Value::Array(list) => {
            if list.is_empty() {
                return Err(ApiError::validation_failed(vec![Validation::new(
                    "body",
                    "must contain at least one interception",
                )]));
            }
            if list.len() > MAX_BATCH {
                return Err(
                    ApiError::bad_request("Too many interceptions in one request.").detail(
                        format!(
                        "A request may create at most {MAX_BATCH} interceptions; this one has {}.",
                        list.len()
                    ),
                    ),
                );
            }
            let items = list
                .iter()
                .enumerate()
                .filter_map(|(i, item)| parse_item(item, &format!("[{i}]."), &mut errs))
                .collect();
            (items, true)
        }
        other => (
            parse_item(other, "", &mut errs).into_iter().collect(),
            false,
        ),
    };
    if !errs.is_empty() {
        return Err(ApiError::validation_failed(capped(errs)));
    }
    Ok(Parsed { items, is_batch })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_index() {
        let body = br#"[{"initiator":"a","provider":"p","model":"m","started_at":"2024-01-01T00:00:00Z"},
                       {"initiator":"","provider":"p","model":"m","started_at":"nope","metadata":[1]}]"#;
        let e = parse(body).err().expect("invalid");
        let fields: Vec<&str> = e.validations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["[1].initiator", "[1].started_at", "[1].metadata"]
        );
        let ok = parse(br#"{"initiator":"a","provider":"p","model":"m","started_at":"2024-01-01T00:00:00Z","ended_at":null}"#)
            .expect("ok");
        assert!(!ok.is_batch);
        assert_eq!(ok.items.len(), 1);
    }
}

//! Typed reads of one JSON object's fields for the fixture bodies, collecting a validation
//! per bad field (named with the object's path, e.g. `[3].token_usages[0].input_tokens`)
//! instead of stopping at the first.

use crate::error::{ApiError, Validation};
use serde_json::{Map, Value};

static EMPTY: Vec<Value> = Vec::new();

pub struct Fields<'a> {
    obj: &'a Map<String, Value>,
    /// Path of the object with a trailing `.` (or empty at the top level).
    pub prefix: String,
    pub errs: &'a mut Vec<Validation>,
}

impl<'a> Fields<'a> {
    /// The fields of `v` at `prefix`; None (and a validation) when `v` is not an object.
    pub fn of(v: &'a Value, prefix: &str, errs: &'a mut Vec<Validation>) -> Option<Fields<'a>> {
        match v.as_object() {
            Some(obj) => Some(Fields {
                obj,
                prefix: prefix.to_string(),
                errs,
            }),
            None => {
                let field = prefix.trim_end_matches('.');
                errs.push(Validation::new(
                    if field.is_empty() { "body" } else { field },
                    "must be a JSON object",
                ));
                None
            }
        }
    }

    pub fn field(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub fn error(&mut self, key: &str, detail: impl Into<String>) {
        let field = self.field(key);
        self.errs.push(Validation::new(field, detail));
    }

    pub fn has_error(&self, key: &str) -> bool {
        let field = self.field(key);
        self.errs.iter().any(|e| e.field == field)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    pub fn opt_string(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.error(key, "must be a string");
                None
            }
        }
    }

    /// A string that must be present and not blank.
    pub fn required_string(&mut self, key: &str) -> String {
        match self.opt_string(key) {
            Some(s) if !s.trim().is_empty() => s,
            _ => {
                if !self.has_error(key) {
                    let field = self.field(key);
                    self.errs.push(Validation::required(&field));
                }
                String::new()
            }
        }
    }

    /// A string that must be present (may be empty).
    pub fn present_string(&mut self, key: &str) -> String {
        match self.opt_string(key) {
            Some(s) => s,
            None => {
                if !self.has_error(key) {
                    let field = self.field(key);
                    self.errs.push(Validation::required(&field));
                }
                String::new()
            }
        }
    }

    /// A string of at most `max` bytes, `""` when absent.
    pub fn short_string(&mut self, key: &str, max: usize) -> String {
        let s = self.opt_string(key).unwrap_or_default();
        if s.len() > max {
            self.error(key, format!("must be at most {max} bytes long"));
        }
        s
    }

    pub fn time(&mut self, key: &str) -> Option<i64> {
        let s = self.opt_string(key)?;
        match crate::timefmt::parse_rfc3339(&s) {
            Ok(m) => Some(m),
            Err(_) => {
                self.error(
                    key,
                    format!("must be an RFC 3339 time (2006-01-02T15:04:05Z07:00), got {s:?}"),
                );
                None
            }
        }
    }

    pub fn required_time(&mut self, key: &str) -> Option<i64> {
        let t = self.time(key);
        if t.is_none() && !self.has_error(key) {
            let field = self.field(key);
            self.errs.push(Validation::required(&field));
        }
        t
    }

    /// An optional UUID (not the nil UUID), in storage form.
    pub fn uuid(&mut self, key: &str) -> Option<String> {
        let s = self.opt_string(key)?;
        match crate::model::parse_uuid(&s) {
            Some(u) if u != crate::model::NIL_UUID => Some(u),
            _ => {
                self.error(key, format!("must be a valid UUID, got {s:?}"));
                None
            }
        }
    }

    /// A UUID that must be present.
    pub fn required_uuid(&mut self, key: &str) -> Option<String> {
        let u = self.uuid(key);
        if u.is_none() && !self.has_error(key) {
            let field = self.field(key);
            self.errs.push(Validation::required(&field));
        }
        u
    }

    /// `id`: the given UUID, or a new one when absent.
    pub fn id(&mut self) -> String {
        if self.get("id").is_none() {
            return crate::model::new_uuid();
        }
        self.uuid("id").unwrap_or_default()
    }

    /// An integer in `min..=max`, `default` when absent.
    pub fn int(&mut self, key: &str, min: i64, max: i64, default: i64) -> i64 {
        match self.get(key) {
            None => default,
            Some(v) => match v.as_i64() {
                Some(n) if (min..=max).contains(&n) => n,
                _ => {
                    self.error(key, format!("must be an integer from {min} to {max}"));
                    default
                }
            },
        }
    }

    pub fn opt_int(&mut self, key: &str, min: i64, max: i64) -> Option<i64> {
        self.get(key)?;
        Some(self.int(key, min, max, 0))
    }

    pub fn bool(&mut self, key: &str) -> bool {
        match self.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.error(key, "must be a boolean");
                false
            }
        }
    }

    /// A JSON object as text, or None when absent or null.
    pub fn object(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            None => None,
            Some(m @ Value::Object(_)) => Some(m.to_string()),
            Some(_) => {
                self.error(key, "must be a JSON object or null");
                None
            }
        }
    }

    /// The items of an array field (none when absent or null).
    pub fn list(&mut self, key: &str) -> &'a [Value] {
        match self.get(key) {
            None => &EMPTY,
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.error(key, "must be a JSON array or null");
                &EMPTY
            }
        }
    }
}

/// Validations reported at most per response.
const MAX_REPORTED: usize = 100;

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

/// Each item of a body with its field prefix, and whether the body was an array.
pub type Items<'v> = (Vec<(String, &'v Value)>, bool);

/// A fixture body's items: one object (field prefix `""`) or an array of 1 to `max`
/// (prefixes `[i].`), and whether it was an array. `noun` names one item in the errors.
pub fn items<'v>(body: &'v Value, noun: &str, max: usize) -> Result<Items<'v>, ApiError> {
    match body {
        Value::Array(list) if list.is_empty() => {
            Err(ApiError::validation_failed(vec![Validation::new(
                "body",
                format!("must contain at least one {noun}"),
            )]))
        }
        Value::Array(list) if list.len() > max => Err(ApiError::bad_request(format!(
            "Too many {noun}s in one request."
        ))
        .detail(format!(
            "A request may create at most {max} {noun}s; this one has {}.",
            list.len()
        ))),
        Value::Array(list) => Ok((
            list.iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]."), v))
                .collect(),
            true,
        )),
        one => Ok((vec![(String::new(), one)], false)),
    }
}

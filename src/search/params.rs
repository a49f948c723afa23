//! Typed access to `key:value` search terms with Coder's validation texts. Every getter marks
//! its key as used; `finish` reports unknown keys. Errors are collected, not short-circuited.

use crate::error::Validation;
use std::collections::BTreeSet;

pub struct QueryParams {
    terms: Vec<(String, String)>,
    used: BTreeSet<String>,
    pub errors: Vec<Validation>,
}

impl QueryParams {
    pub fn new(terms: Vec<(String, String)>) -> Self {
        QueryParams {
            terms,
            used: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    fn values(&mut self, key: &str) -> Vec<String> {
        self.used.insert(key.to_string());
        self.terms
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The single value of `key` (empty = absent); a repeated key is an error.
    fn single(&mut self, key: &str) -> Option<String> {
        let vals = self.values(key);
        match vals.len() {
            0 => None,
            1 => Some(vals[0].clone()).filter(|v| !v.is_empty()),
            n => {
                self.errors.push(Validation::new(
                    key,
                    format!("Query param {key:?} provided more than once, found {n} times. Only provide 1 instance of this query param."),
                ));
                None
            }
        }
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        self.single(key)
    }

    /// An organization by id or name: `org_id_by_name` resolves a name the caller may see;
    /// the nil UUID means any organization. Coder's text when the name resolves to nothing.
    pub fn organization(
        &mut self,
        key: &str,
        mut org_id_by_name: impl FnMut(&str) -> Option<String>,
    ) -> Option<String> {
        let org = self.single(key)?;
        match crate::model::parse_uuid(&org) {
            Some(id) if id == crate::model::NIL_UUID => None,
            Some(id) => Some(id),
            None => {
                let id = org_id_by_name(&org);
                if id.is_none() {
                    self.errors.push(Validation::new(
                        key,
                        format!(
                            "Query param {key:?} has invalid value: organization {org:?} either does not exist, or you are unauthorized to view it"
                        ),
                    ));
                }
                id
            }
        }
    }

    pub fn uuid(&mut self, key: &str) -> Option<String> {
        let v = self.single(key)?;
        match crate::model::parse_uuid(&v) {
            Some(u) if u != crate::model::NIL_UUID => Some(u),
            Some(_) => None,
            None => {
                self.errors.push(Validation::new(
                    key,
                    format!("Query param {key:?} must be a valid uuid"),
                ));
                None
            }
        }
    }

    /// A value that must be one of `allowed`.
    pub fn one_of(&mut self, key: &str, allowed: &[&str]) -> Option<String> {
        let v = self.single(key)?;
        if allowed.contains(&v.as_str()) {
            Some(v)
        } else {
            self.errors.push(Validation::new(
                key,
                format!("Query param {key:?} has invalid value: {v:?} is not a valid value"),
            ));
            None
        }
    }

    /// Comma-separated and/or repeated values, each one of `allowed` (when given).
    pub fn list(&mut self, key: &str, allowed: Option<&[&str]>) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.values(key) {
            for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if let Some(allowed) = allowed {
                    if !allowed.contains(&item) {
                        self.errors.push(Validation::new(
                            key,
                            format!("Query param {key:?} has invalid value: {item:?} is not a valid value"),
                        ));
                        continue;
                    }
                }
                out.push(item.to_string());
            }
        }
        out
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.single(key)?;
        match v.as_str() {
            "true" | "1" | "t" => Some(true),
            "false" | "0" | "f" => Some(false),
            _ => {
                self.errors.push(Validation::new(
                    key,
                    format!("Query param {key:?} must be a valid boolean: strconv.ParseBool: parsing {v:?}: invalid syntax"),
                ));
                None
            }
        }
    }

    pub fn int64(&mut self, key: &str) -> Option<i64> {
        let v = self.single(key)?;
        match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(e) => {
                let why = if matches!(
                    e.kind(),
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                ) {
                    "value out of range"
                } else {
                    "invalid syntax"
                };
                self.errors.push(Validation::new(
                    key,
                    format!("Query param {key:?} must be a valid 64-bit integer: strconv.ParseInt: parsing {v:?}: {why}"),
                ));
                None
            }
        }
    }

    /// Coder's `ParseCustomList`: every value of `key` (repeated and/or comma-separated, not
    /// trimmed) through `parse`; on any failure one validation listing every error (joined
    /// with newlines, as Go's `errors.Join`) and an empty list.
    pub fn custom_list<T>(
        &mut self,
        key: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Vec<T> {
        let vals = self.values(key);
        if vals.first().is_none_or(|v| v.is_empty()) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for item in vals.iter().flat_map(|v| v.split(',')) {
            match parse(item) {
                Ok(t) => out.push(t),
                Err(e) => bad.push(e),
            }
        }
        if !bad.is_empty() {
            self.errors.push(Validation::new(
                key,
                format!("Query param {key:?} has invalid values: {}", bad.join("\n")),
            ));
            return Vec::new();
        }
        out
    }

    /// Coder's `ParseEnum` inside `custom_list`.
    pub fn enum_list(&mut self, key: &str, allowed: &[&str]) -> Vec<String> {
        self.custom_list(key, |v| {
            if allowed.contains(&v) {
                Ok(v.to_string())
            } else {
                Err(format!("{v:?} is not a valid value"))
            }
        })
    }

    /// Coder's `Time3339Nano`: strict RFC 3339 (the term is upper-cased first), in microseconds.
    pub fn time3339nano(&mut self, key: &str) -> Option<i64> {
        let v = self.single(key)?;
        match super::gotime::parse_rfc3339_nano(&v.to_uppercase()) {
            Ok(m) => Some(m),
            Err(e) => {
                self.errors.push(Validation::new(
                    key,
                    format!("Query param {key:?} must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): {e}"),
                ));
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date at UTC midnight, in microseconds.
    pub fn date(&mut self, key: &str) -> Option<i64> {
        let v = self.single(key)?;
        match super::godate::parse_date(&v) {
            Ok(micros) => Some(micros),
            Err(e) => {
                self.errors.push(Validation::new(
                    key,
                    format!("Query param {key:?} must be a valid date format (2006-01-02): {e}"),
                ));
                None
            }
        }
    }

    /// An RFC 3339 time (or a bare date), in microseconds.
    pub fn time(&mut self, key: &str) -> Option<i64> {
        let v = self.single(key)?;
        let upper = v.to_uppercase();
        if let Ok(m) = crate::timefmt::parse_rfc3339(&upper) {
            return Some(m);
        }
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        if let Ok(d) = time::Date::parse(&v, &fmt) {
            return Some(d.midnight().assume_utc().unix_timestamp() * 1_000_000);
        }
        self.errors.push(Validation::new(
            key,
            format!("Query param {key:?} must be a valid date format (2006-01-02T15:04:05Z07:00): parsing time {v:?}"),
        ));
        None
    }

    /// Reports every key no getter asked for, then returns all collected errors.
    pub fn finish(mut self) -> Vec<Validation> {
        let unknown: BTreeSet<String> = self
            .terms
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !self.used.contains(k))
            .collect();
        for k in unknown {
            self.errors.push(Validation::new(
                k.clone(),
                format!("{k:?} is not a valid query param"),
            ));
        }
        self.errors
    }
}

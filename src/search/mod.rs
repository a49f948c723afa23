//! The `q=` search language shared by every list endpoint (Coder's `searchquery` package),
//! the typed parameter parser (Coder's `httpapi.QueryParamParser`) and pagination.

pub mod ai_gateway;
pub mod audit;
pub mod connection_logs;
pub mod godate;
pub mod gotime;
pub mod interceptions;
pub mod members;
pub mod pagination;
pub mod params;
pub mod query_string;
pub mod seat_report;
pub mod users;
pub mod workspaces;

pub use params::QueryParams;

use crate::error::Validation;

/// Splits `s` on `delim`, keeping double-quoted parts whole; quotes kept or stripped.
fn split_respecting_quotes(s: &str, delim: char, keep_quotes: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in s.chars() {
        if ch == '"' {
            quoted = !quoted;
            if keep_quotes {
                cur.push(ch);
            }
            continue;
        }
        if ch == delim && !quoted {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        cur.push(ch);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Tokenizes a query as Coder's `searchTerms`: the whole query lower-cased, split on spaces
/// (double quotes keep parts together), `key:value` elements collected in order, and all
/// bare words joined with single spaces into one value for `default_key`, appended last.
/// `me` as a username names the caller: the filter then holds the caller's id instead.
pub fn me_as_id(username: &mut Option<String>, user_id: &mut Option<String>, caller_id: &str) {
    if username.as_deref() == Some("me") {
        *username = None;
        *user_id = Some(caller_id.to_string());
    }
}

pub fn terms(query: &str, default_key: &str) -> Result<Vec<(String, String)>, Validation> {
    terms_keep_case(&query.to_lowercase(), default_key)
}

/// As `terms`, but values keep their case (keys are still lower-cased). Coder's members
/// search (`searchquery.Members`) does not lower-case its query.
pub fn terms_keep_case(
    query: &str,
    default_key: &str,
) -> Result<Vec<(String, String)>, Validation> {
    let mut out = Vec::new();
    let mut bare: Vec<String> = Vec::new();
    for element in split_respecting_quotes(query, ' ', true) {
        if element.starts_with(':') || element.ends_with(':') {
            return Err(Validation::new(
                "q",
                format!("Query element {element:?} cannot start or end with ':'"),
            ));
        }
        let parts = split_respecting_quotes(&element, ':', false);
        match parts.len() {
            0 => {}
            1 => bare.push(element.clone()),
            2 => out.push((parts[0].to_lowercase(), parts[1].clone())),
            _ => {
                return Err(Validation::new(
                    "q",
                    format!("Query element {element:?} can only contain 1 ':'"),
                ))
            }
        }
    }
    if !bare.is_empty() {
        out.push((default_key.to_string(), bare.join(" ")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_like_coder() {
        let t = terms(
            "Action:Create  foo \"bar baz\" resource_target:\"My: name\"",
            "resource_type",
        )
        .expect("ok");
        assert_eq!(
            t,
            vec![
                ("action".into(), "create".into()),
                ("resource_target".into(), "my: name".into()),
                ("resource_type".into(), "foo \"bar baz\"".into()),
            ]
        );
        assert_eq!(
            terms("action:", "x").unwrap_err().detail,
            "Query element \"action:\" cannot start or end with ':'"
        );
        assert_eq!(
            terms("a:b:c", "x").unwrap_err().detail,
            "Query element \"a:b:c\" can only contain 1 ':'"
        );
        assert!(terms("", "x").expect("empty").is_empty());
    }
}

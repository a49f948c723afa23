//! `q` of the deprecated `GET /organizations/{org}/members` (Coder's `searchquery.Members`):
//! keys `user_id`, `include_system`, `github_user_id`; the query keeps its case; a bare word
//! is an error unless it is one of the keys (which then resets that key to empty).

use super::{terms_keep_case, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::MemberFilter;

const BARE: &str = "\u{1}bare";
const KEYS: [&str; 3] = ["user_id", "github_user_id", "include_system"];

/// Go's `strconv.ParseBool` accepts these spellings besides the lower-case ones.
fn normalise_bool(v: &str) -> String {
    match v {
        "TRUE" | "True" | "T" => "true".into(),
        "FALSE" | "False" | "F" => "false".into(),
        other => other.to_string(),
    }
}

/// Answers a bad query with Coder's 400: `Invalid organization member search query.` and its validations.
pub fn parse(q: &str) -> Result<MemberFilter, ApiError> {
    parse_terms(q).map_err(|v| {
        ApiError::bad_request("Invalid organization member search query.").validations(v)
    })
}

fn parse_terms(q: &str) -> Result<MemberFilter, Vec<Validation>> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(MemberFilter::default());
    }
    let mut terms = terms_keep_case(q, BARE).map_err(|e| vec![e])?;
    if let Some(pos) = terms.iter().position(|(k, _)| k == BARE) {
        let (_, bare) = terms.remove(pos);
        if !KEYS.contains(&bare.as_str()) {
            return Err(vec![Validation::new(
                "q",
                format!("invalid search term: {bare}"),
            )]);
        }
        // Go's `values.Set(term, "")`: replaces every value of that key.
        terms.retain(|(k, _)| k != &bare);
        terms.push((bare, String::new()));
    }
    for (k, v) in terms.iter_mut() {
        if k == "include_system" {
            *v = normalise_bool(v);
        }
    }
    let mut p = QueryParams::new(terms);
    let filter = MemberFilter {
        user_id: p.uuid("user_id"),
        include_system: p.boolean("include_system").unwrap_or(false),
        github_user_id: p.int64("github_user_id").filter(|n| *n != 0),
    };
    let errors = p.finish();
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_coder() {
        assert_eq!(parse("  ").expect("empty"), MemberFilter::default());
        let f = parse("include_system:True github_user_id:42").expect("ok");
        assert!(f.include_system);
        assert_eq!(f.github_user_id, Some(42));
        let e = parse("Alice").unwrap_err();
        assert_eq!(e.validations[0].detail, "invalid search term: Alice");
        let e = parse("foo bar").unwrap_err();
        assert_eq!(e.validations[0].detail, "invalid search term: foo bar");
        assert_eq!(parse("user_id").expect("bare key"), MemberFilter::default());
        let e = parse("user_id:nope").unwrap_err();
        assert_eq!(e.validations[0].field, "user_id");
        let e = parse("name:x").unwrap_err();
        assert_eq!(
            e.validations[0].detail,
            "\"name\" is not a valid query param"
        );
    }
}

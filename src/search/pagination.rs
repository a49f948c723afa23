//! `limit`, `offset` and `after_id` as Coder's `ParsePagination` reads them.

use crate::error::{ApiError, Validation};
use crate::model::query::Pagination;

fn positive_i32(field: &str, values: &[&str], errors: &mut Vec<Validation>) -> i64 {
    match values {
        [] => 0,
        [""] => 0,
        [v] => match v.parse::<i64>() {
            Ok(n) if n < 0 => {
                errors.push(Validation::new(
                    field,
                    format!("Query param {field:?} must be a valid 32-bit positive integer: value is negative"),
                ));
                0
            }
            Ok(n) if n > i32::MAX as i64 => {
                errors.push(Validation::new(
                    field,
                    format!("Query param {field:?} must be a valid 32-bit positive integer: strconv.ParseInt: parsing {v:?}: value out of range"),
                ));
                0
            }
            Ok(n) => n,
            Err(e) => {
                let why = if matches!(
                    e.kind(),
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                ) {
                    "value out of range"
                } else {
                    "invalid syntax"
                };
                errors.push(Validation::new(
                    field,
                    format!("Query param {field:?} must be a valid 32-bit positive integer: strconv.ParseInt: parsing {v:?}: {why}"),
                ));
                0
            }
        },
        many => {
            errors.push(Validation::new(
                field,
                format!(
                    "Query param {field:?} provided more than once, found {} times. Only provide 1 instance of this query param.",
                    many.len()
                ),
            ));
            0
        }
    }
}

/// All values of a raw URL query parameter (not lower-cased).
pub fn query_values<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The keyset cursor of `after_id`: `find` looks the row up among those the caller can see;
/// a `noun` it does not find answers 400.
pub fn resolve_after<C, E>(
    after_id: Option<&str>,
    noun: &str,
    find: impl FnOnce(&str) -> Result<Option<C>, E>,
) -> Result<Option<C>, ApiError>
where
    ApiError: From<E>,
{
    let Some(id) = after_id else {
        return Ok(None);
    };
    match find(id)? {
        Some(c) => Ok(Some(c)),
        None => Err(ApiError::invalid_query(vec![Validation::new(
            "after_id",
            format!("Query param \"after_id\" has invalid value: {noun} {id:?} does not exist, or you are unauthorized to view it"),
        )])),
    }
}

/// Decodes a raw query string into pairs; undecodable input answers 400.
pub fn query_pairs(query_string: &str) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded_pairs(query_string).map_err(|e| {
        ApiError::invalid_query(vec![Validation::new(
            "query",
            format!("Invalid query string: {e}"),
        )])
    })
}

fn serde_urlencoded_pairs(qs: &str) -> Result<Vec<(String, String)>, String> {
    actix_web::web::Query::<Vec<(String, String)>>::from_query(qs)
        .map(|q| q.into_inner())
        .map_err(|e| e.to_string())
}

/// The page size of an endpoint with its own default and upper bound (Coder's AI Bridge
/// handlers): `limit=0` or none means `default`; beyond `max` answers Coder's 400.
pub fn bounded_limit(limit: i64, default: i64, max: i64) -> Result<i64, ApiError> {
    let limit = if limit == 0 { default } else { limit };
    if !(1..=max).contains(&limit) {
        return Err(ApiError::bad_request("Invalid pagination limit value.")
            .detail(format!("Pagination limit must be in range (0, {max}]")));
    }
    Ok(limit)
}

/// Parses `limit`, `offset`, `after_id`; answers Coder's 400 on bad values.
pub fn parse(pairs: &[(String, String)]) -> Result<Pagination, ApiError> {
    let mut errors = Vec::new();
    let limit = positive_i32("limit", &query_values(pairs, "limit"), &mut errors);
    let offset = positive_i32("offset", &query_values(pairs, "offset"), &mut errors);
    let after = query_values(pairs, "after_id");
    let after_id = match after.as_slice() {
        [] => None,
        [""] => None,
        [v] => match crate::model::parse_uuid(v) {
            Some(u) if u == crate::model::NIL_UUID => None,
            Some(u) => Some(u),
            None => {
                errors.push(Validation::new(
                    "after_id",
                    "Query param \"after_id\" must be a valid uuid",
                ));
                None
            }
        },
        many => {
            errors.push(Validation::new(
                "after_id",
                format!(
                    "Query param \"after_id\" provided more than once, found {} times. Only provide 1 instance of this query param.",
                    many.len()
                ),
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid_query(errors));
    }
    Ok(Pagination {
        limit,
        offset,
        after_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(qs: &str) -> Result<Pagination, ApiError> {
        parse(&query_pairs(qs).expect("pairs"))
    }

    #[test]
    fn coder_messages() {
        assert_eq!(p("limit=5&offset=2").expect("ok").limit, 5);
        let e = p("limit=abc").unwrap_err();
        assert_eq!(
            e.validations[0].detail,
            "Query param \"limit\" must be a valid 32-bit positive integer: strconv.ParseInt: parsing \"abc\": invalid syntax"
        );
        let e = p("limit=-1").unwrap_err();
        assert!(e.validations[0].detail.ends_with("value is negative"));
        let e = p("limit=9999999999").unwrap_err();
        assert!(e.validations[0].detail.ends_with("value out of range"));
        let e = p("limit=1&limit=2").unwrap_err();
        assert!(e.validations[0].detail.contains("found 2 times"));
        let e = p("after_id=zzz").unwrap_err();
        assert_eq!(
            e.validations[0].detail,
            "Query param \"after_id\" must be a valid uuid"
        );
    }
}

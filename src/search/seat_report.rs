//! `q=`, `sort=` and `order=` for the seat report (`GET /api/v2/coderlite/seats`): keys
//! `search` (also bare words: username or email contains), `has_seat` (bool), `source`
//! (`ai_gateway`, `ai_task`), `status` (`active`, `dormant`, `suspended`, comma list).
//! `sort` is `username` (default), `first_used_at` or `last_used_at`; `order` `asc`/`desc`.

use super::{terms, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::seat_report::{SeatFilter, SeatSort, SeatSortKey, SOURCES};
use crate::model::UserStatus;

/// The 400 of every bad seat-report query parameter.
pub fn invalid(validations: Vec<Validation>) -> ApiError {
    ApiError::bad_request("Invalid seat report search query.").validations(validations)
}

pub fn parse(q: &str) -> Result<SeatFilter, ApiError> {
    parse_terms(q).map_err(invalid)
}

fn parse_terms(q: &str) -> Result<SeatFilter, Vec<Validation>> {
    if q.trim().is_empty() {
        return Ok(SeatFilter::default());
    }
    let t = terms(q, "search").map_err(|e| vec![e])?;
    let mut qp = QueryParams::new(t);
    let out = SeatFilter {
        search: qp.string("search"),
        has_seat: qp.boolean("has_seat"),
        source: qp.one_of("source", SOURCES),
        status: qp.enum_list("status", UserStatus::NAMES),
    };
    let errors = qp.finish();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `sort` and `order` query parameters (absent or empty = username ascending).
pub fn parse_sort(sort: Option<&str>, order: Option<&str>) -> Result<SeatSort, ApiError> {
    let mut errors = Vec::new();
    let key = match sort.unwrap_or("") {
        "" | "username" => SeatSortKey::Username,
        "first_used_at" => SeatSortKey::FirstUsed,
        "last_used_at" => SeatSortKey::LastUsed,
        other => {
            errors.push(Validation::new(
                "sort",
                format!("Query param \"sort\" must be one of [username first_used_at last_used_at], got {other:?}"),
            ));
            SeatSortKey::Username
        }
    };
    let desc = match order.unwrap_or("") {
        "" | "asc" => false,
        "desc" => true,
        other => {
            errors.push(Validation::new(
                "order",
                format!("Query param \"order\" must be one of [asc desc], got {other:?}"),
            ));
            false
        }
    };
    if errors.is_empty() {
        Ok(SeatSort { key, desc })
    } else {
        Err(invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys() {
        let f = parse("Alice has_seat:true source:ai_task status:active,dormant").expect("ok");
        assert_eq!(f.search.as_deref(), Some("alice"));
        assert_eq!(f.has_seat, Some(true));
        assert_eq!(f.source.as_deref(), Some("ai_task"));
        assert_eq!(f.status, vec!["active", "dormant"]);
        assert_eq!(parse("").expect("empty"), SeatFilter::default());
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            parse("has_seat:maybe").unwrap_err().validations[0].field,
            "has_seat"
        );
        assert_eq!(
            parse("source:slack").unwrap_err().validations[0].field,
            "source"
        );
        assert_eq!(
            parse("colour:red").unwrap_err().validations[0].detail,
            "\"colour\" is not a valid query param"
        );
        assert_eq!(parse("a:b:c").unwrap_err().validations[0].field, "q");
        assert_eq!(
            parse_sort(Some("email"), None).unwrap_err().validations[0].field,
            "sort"
        );
        assert_eq!(
            parse_sort(None, Some("up")).unwrap_err().validations[0].field,
            "order"
        );
        assert_eq!(
            parse_sort(Some("last_used_at"), Some("desc")).expect("ok"),
            SeatSort {
                key: SeatSortKey::LastUsed,
                desc: true
            }
        );
    }
}

//! `q=` for `GET /aibridge/interceptions` (Coder's `searchquery.AIBridgeInterceptions`):
//! `initiator` (user id, username or `me`; also the key of bare words), `provider`, `model`,
//! `client`, `started_after`, `started_before` (RFC 3339). The initiator is returned raw; the
//! handler resolves it against the database.

use super::{terms, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::InterceptionQuery;

/// Coder's handler answers interception queries with this (copy-pasted) message.
pub const MESSAGE: &str = "Invalid workspace search query.";

/// The 400 of a bad interceptions query (also for an `initiator` the handler cannot resolve).
pub fn invalid(validations: Vec<Validation>) -> ApiError {
    ApiError::bad_request(MESSAGE).validations(validations)
}

pub fn parse(q: &str) -> Result<InterceptionQuery, ApiError> {
    if q.trim().is_empty() {
        return Ok(InterceptionQuery::default());
    }
    let t = terms(q, "initiator").map_err(|e| invalid(vec![e]))?;
    let mut qp = QueryParams::new(t);
    let out = InterceptionQuery {
        initiator: qp.string("initiator"),
        provider: qp.string("provider"),
        model: qp.string("model"),
        client: qp.string("client"),
        started_after: qp.time3339nano("started_after"),
        started_before: qp.time3339nano("started_before"),
    };
    if let (Some(a), Some(b)) = (out.started_after, out.started_before) {
        if b <= a {
            qp.errors.push(Validation::new(
                "started_before",
                "Query param \"started_before\" has invalid value: \"started_before\" must be after \"started_after\" if set",
            ));
        }
    }
    let errors = qp.finish();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_times() {
        let q = parse("initiator:me provider:Anthropic started_after:\"2024-01-02T03:04:05Z\"")
            .expect("ok");
        assert_eq!(q.initiator.as_deref(), Some("me"));
        assert_eq!(q.provider.as_deref(), Some("anthropic"));
        assert_eq!(
            q.started_after,
            crate::timefmt::parse_rfc3339("2024-01-02T03:04:05Z").ok()
        );
        assert_eq!(
            parse("alice").expect("bare").initiator.as_deref(),
            Some("alice")
        );
    }

    #[test]
    fn rejects_bad_input() {
        let bad = |q: &str| {
            let e = parse(q).expect_err(q);
            assert_eq!(e.message, MESSAGE);
            e.validations
        };
        let e = bad("started_after:yesterday");
        assert_eq!(e[0].field, "started_after");
        assert!(e[0].detail.starts_with(
            "Query param \"started_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00)"
        ));
        let e =
            bad("started_after:\"2024-01-02T00:00:00Z\" started_before:\"2024-01-01T00:00:00Z\"");
        assert_eq!(e[0].field, "started_before");
        let e = bad("colour:red");
        assert_eq!(e[0].detail, "\"colour\" is not a valid query param");
        let e = bad("model:a model:b");
        assert!(e[0].detail.contains("provided more than once"));
    }
}

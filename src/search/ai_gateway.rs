//! The `q` languages of the AI Gateway lists (Coder's `searchquery.AIBridgeSessions`,
//! `AIBridgeModels`, `AIBridgeClients`). Keys are lower-cased, values keep their case (newest
//! Coder's `searchTerms`). Sessions take no bare words; models and clients take them as their
//! one key's value.

use super::{terms_keep_case, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::AISessionQuery;

pub const SESSIONS_MESSAGE: &str = "Invalid session search query.";
pub const MODELS_MESSAGE: &str = "Invalid AI Gateway models search query.";
pub const CLIENTS_MESSAGE: &str = "Invalid AI Gateway clients search query.";

/// Parses the sessions `q`. `resolve_user` maps a username (or email) to a user id; `me` is
/// `caller_id` and a UUID is taken as is (Coder's `parseUser`).
pub fn sessions(
    q: &str,
    caller_id: &str,
    mut resolve_user: impl FnMut(&str) -> Option<String>,
) -> Result<AISessionQuery, ApiError> {
    let invalid = |v: Vec<Validation>| ApiError::bad_request(SESSIONS_MESSAGE).validations(v);
    if q.is_empty() {
        return Ok(AISessionQuery::default());
    }
    let t = terms_keep_case(q, "").map_err(|v| invalid(vec![v]))?;
    if t.iter().any(|(k, _)| k.is_empty()) {
        return Err(invalid(vec![Validation::new(
            "q",
            "no search key specified",
        )]));
    }
    let mut p = QueryParams::new(t);
    let initiator_id = p.string("initiator").and_then(|v| {
        if v == "me" {
            return Some(caller_id.to_string());
        }
        if let Some(id) = crate::model::parse_uuid(&v) {
            return Some(id);
        }
        let found = resolve_user(&v);
        if found.is_none() {
            p.errors.push(Validation::new(
                "initiator",
                format!("Query param \"initiator\" has invalid value: user {v:?} either does not exist, or you are unauthorized to view them"),
            ));
        }
        found
    });
    let mut out = AISessionQuery {
        initiator_id,
        provider: p.string("provider"),
        provider_name: p.string("provider_name"),
        model: p.string("model"),
        client: p.string("client"),
        session_id: p.string("session_id"),
        started_after: p.time3339nano("started_after"),
        started_before: p.time3339nano("started_before"),
    };
    if let (Some(a), Some(b)) = (out.started_after, out.started_before) {
        if b <= a {
            p.errors.push(Validation::new(
                "started_before",
                "Query param \"started_before\" has invalid value: \"started_before\" must be after \"started_after\" if set",
            ));
        }
    }
    let errors = p.finish();
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    if out.initiator_id.as_deref() == Some(crate::model::NIL_UUID) {
        out.initiator_id = None;
    }
    Ok(out)
}

/// Parses a pick-list's `q`: its one key (bare words included) as a prefix, `""` when none.
fn one_key(q: &str, key: &str, message: &str) -> Result<String, ApiError> {
    let invalid = |v: Vec<Validation>| ApiError::bad_request(message).validations(v);
    if q.is_empty() {
        return Ok(String::new());
    }
    let t = terms_keep_case(q, key).map_err(|v| invalid(vec![v]))?;
    let mut p = QueryParams::new(t);
    let value = p.string(key).unwrap_or_default();
    let errors = p.finish();
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(value)
}

/// `GET /ai-gateway/models`' `q`: the model prefix.
pub fn models(q: &str) -> Result<String, ApiError> {
    one_key(q, "model", MODELS_MESSAGE)
}

/// `GET /ai-gateway/clients`' `q`: the client prefix.
pub fn clients(q: &str) -> Result<String, ApiError> {
    one_key(q, "client", CLIENTS_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(q: &str) -> AISessionQuery {
        sessions(q, "me-id", |u| {
            (u == "alice").then(|| "alice-id".to_string())
        })
        .expect(q)
    }

    fn errs(q: &str) -> Vec<(String, String)> {
        let e = sessions(q, "me-id", |_| None).expect_err(q);
        assert_eq!(e.message, SESSIONS_MESSAGE);
        e.validations
            .into_iter()
            .map(|v| (v.field, v.detail))
            .collect()
    }

    #[test]
    fn session_keys_keep_their_case() {
        let f = ok("Initiator:alice Provider:Anthropic client:\"Claude Code\" model:claude-Sonnet-4 session_id:Ab provider_name:prod");
        assert_eq!(f.initiator_id.as_deref(), Some("alice-id"));
        assert_eq!(f.provider.as_deref(), Some("Anthropic"));
        assert_eq!(f.client.as_deref(), Some("Claude Code"));
        assert_eq!(f.model.as_deref(), Some("claude-Sonnet-4"));
        assert_eq!(f.session_id.as_deref(), Some("Ab"));
        assert_eq!(f.provider_name.as_deref(), Some("prod"));
        assert!(f.per_interception());
        assert_eq!(ok("initiator:me").initiator_id.as_deref(), Some("me-id"));
        let id = "6B0F0A4E-3F5A-4A8E-9D0E-7A1C2B3D4E5F";
        assert_eq!(
            ok(&format!("initiator:{id}")).initiator_id.as_deref(),
            Some("6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f")
        );
        assert!(!ok("initiator:me session_id:x").per_interception());
        let f =
            ok("started_after:\"2024-01-02t03:04:05z\" started_before:\"2024-01-03T00:00:00Z\"");
        assert_eq!(
            f.started_after,
            crate::timefmt::parse_rfc3339("2024-01-02T03:04:05Z").ok()
        );
        assert_eq!(ok(""), AISessionQuery::default());
    }

    #[test]
    fn session_errors() {
        assert_eq!(
            errs("claude"),
            vec![("q".into(), "no search key specified".into())]
        );
        assert_eq!(
            errs("initiator:unknown"),
            vec![("initiator".into(), "Query param \"initiator\" has invalid value: user \"unknown\" either does not exist, or you are unauthorized to view them".into())]
        );
        assert_eq!(
            errs("started_after:invalid"),
            vec![("started_after".into(), "Query param \"started_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"INVALID\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"INVALID\" as \"2006\"".into())]
        );
        assert_eq!(
            errs("started_after:\"2024-01-02T00:00:00Z\" started_before:\"2024-01-01T00:00:00Z\""),
            vec![("started_before".into(), "Query param \"started_before\" has invalid value: \"started_before\" must be after \"started_after\" if set".into())]
        );
        assert_eq!(
            errs("sponsor:x"),
            vec![(
                "sponsor".into(),
                "\"sponsor\" is not a valid query param".into()
            )]
        );
        assert_eq!(errs("model:a model:b")[0].0, "model");
        assert_eq!(
            errs("model:"),
            vec![(
                "q".into(),
                "Query element \"model:\" cannot start or end with ':'".into()
            )]
        );
    }

    #[test]
    fn pick_lists() {
        assert_eq!(models("").expect("empty"), "");
        assert_eq!(models("claude").expect("bare"), "claude");
        assert_eq!(models("model:GPT").expect("key"), "GPT");
        let e = models("client:x").expect_err("other key");
        assert_eq!(e.message, MODELS_MESSAGE);
        assert_eq!(
            e.validations[0].detail,
            "\"client\" is not a valid query param"
        );
        assert_eq!(clients("Claude Code").expect("bare"), "Claude Code");
        assert_eq!(
            clients("model:x").expect_err("other key").message,
            CLIENTS_MESSAGE
        );
    }
}

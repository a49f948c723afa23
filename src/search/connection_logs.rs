//! The connection-log `q` language (Coder's `searchquery.ConnectionLogs`): the whole query
//! lower-cased, keys in Coder's order, bare words rejected as the unknown key `search`.

use super::{terms, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::ConnectionLogFilter;
use crate::model::{ConnectionType, CONNECTION_LOG_STATUSES};

pub const MESSAGE: &str = "Invalid connection search query.";

/// Parses `q`. `org_id_by_name` resolves an organization name the caller may see to its id.
pub fn parse(
    q: &str,
    caller_id: &str,
    org_id_by_name: impl FnMut(&str) -> Option<String>,
) -> Result<ConnectionLogFilter, ApiError> {
    let invalid = |v: Vec<Validation>| ApiError::bad_request(MESSAGE).validations(v);
    let t = terms(q, "search").map_err(|v| invalid(vec![v]))?;
    let mut p = QueryParams::new(t);
    let mut f = ConnectionLogFilter {
        organization_id: p.organization("organization", org_id_by_name),
        workspace_owner: p.string("workspace_owner"),
        workspace_owner_email: p.string("workspace_owner_email"),
        kind: p.one_of("type", ConnectionType::NAMES),
        username: p.string("username"),
        user_email: p.string("user_email"),
        connected_after: p.time3339nano("connected_after"),
        connected_before: p.time3339nano("connected_before"),
        workspace_id: p.uuid("workspace_id"),
        connection_id: p.uuid("connection_id"),
        status: p.one_of("status", CONNECTION_LOG_STATUSES),
        ..ConnectionLogFilter::default()
    };
    let errors = p.finish();
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    super::me_as_id(&mut f.username, &mut f.user_id, caller_id);
    super::me_as_id(&mut f.workspace_owner, &mut f.workspace_owner_id, caller_id);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(q: &str) -> Vec<(String, String)> {
        let e = parse(q, "me-id", |_| None).expect_err(q);
        assert_eq!(e.message, MESSAGE);
        e.validations
            .into_iter()
            .map(|v| (v.field, v.detail))
            .collect()
    }

    #[test]
    fn keys_and_me() {
        let f = parse(
            "username:me workspace_owner:me type:SSH status:ongoing organization:acme",
            "me-id",
            |n| (n == "acme").then(|| "org-1".to_string()),
        )
        .unwrap();
        assert_eq!(f.user_id.as_deref(), Some("me-id"));
        assert_eq!(f.workspace_owner_id.as_deref(), Some("me-id"));
        assert_eq!(f.kind.as_deref(), Some("ssh"));
        assert_eq!(f.status.as_deref(), Some("ongoing"));
        assert_eq!(f.organization_id.as_deref(), Some("org-1"));
        let f = parse("connected_after:\"2026-01-02T03:04:05.5z\"", "x", |_| None).unwrap();
        assert_eq!(f.connected_after, Some(1_767_323_045_500_000));
        assert_eq!(
            parse("", "x", |_| None).unwrap(),
            ConnectionLogFilter::default()
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            errs("hello"),
            vec![(
                "search".into(),
                "\"search\" is not a valid query param".into()
            )]
        );
        assert_eq!(
            errs("type:foo"),
            vec![(
                "type".into(),
                "Query param \"type\" has invalid value: \"foo\" is not a valid value".into()
            )]
        );
        assert_eq!(
            errs("workspace_id:nope"),
            vec![(
                "workspace_id".into(),
                "Query param \"workspace_id\" must be a valid uuid".into()
            )]
        );
        let e = errs("connected_after:2026-01-02");
        assert_eq!(e[0].0, "connected_after");
        assert!(e[0].1.starts_with("Query param \"connected_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"2026-01-02\""), "{}", e[0].1);
        assert_eq!(
            errs("organization:acme"),
            vec![("organization".into(), "Query param \"organization\" has invalid value: organization \"acme\" either does not exist, or you are unauthorized to view it".into())]
        );
    }
}

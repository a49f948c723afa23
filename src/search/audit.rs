//! The audit-log `q` language (Coder's `searchquery.AuditLogs`): keys, their parsers and
//! validation texts, in Coder's order so errors come back in the same order.

use super::{terms, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::AuditFilter;
use crate::model::{AuditAction, BuildReason, ResourceType};

use crate::timefmt::DAY_MICROS;

/// Parses `q`. `org_id_by_name` resolves an organization name the caller may see to its id.
/// Errors answer Coder's 400 `Invalid audit search query.`.
pub fn parse(
    q: &str,
    caller_id: &str,
    org_id_by_name: impl FnMut(&str) -> Option<String>,
) -> Result<AuditFilter, ApiError> {
    let invalid =
        |v: Vec<Validation>| ApiError::bad_request("Invalid audit search query.").validations(v);
    let t = terms(q, "resource_type").map_err(|v| invalid(vec![v]))?;
    let mut p = QueryParams::new(t);
    let mut f = AuditFilter {
        request_id: p.uuid("request_id"),
        resource_id: p.uuid("resource_id"),
        resource_target: p.string("resource_target"),
        username: p.string("username"),
        email: p.string("email"),
        date_from: p.date("date_from"),
        date_to_before: p.date("date_to").map(|d| d + DAY_MICROS),
        ..AuditFilter::default()
    };
    f.organization_id = p.organization("organization", org_id_by_name);
    f.resource_type = p.one_of("resource_type", ResourceType::NAMES);
    f.action = p.one_of("action", AuditAction::NAMES);
    f.build_reason = p.one_of("build_reason", BuildReason::NAMES);
    let errors = p.finish();
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    super::me_as_id(&mut f.username, &mut f.user_id, caller_id);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(q: &str) -> AuditFilter {
        parse(q, "me-id", |n| {
            (n == "acme").then(|| "org-acme".to_string())
        })
        .expect(q)
    }

    fn errs(q: &str) -> Vec<(String, String)> {
        let e = parse(q, "me-id", |_| None).expect_err(q);
        assert_eq!(e.message, "Invalid audit search query.");
        e.validations
            .into_iter()
            .map(|v| (v.field, v.detail))
            .collect()
    }

    #[test]
    fn keys() {
        let f = ok("workspace action:create username:me organization:acme date_from:2024-01-01 date_to:2024-01-01");
        assert_eq!(f.resource_type.as_deref(), Some("workspace"));
        assert_eq!(f.action.as_deref(), Some("create"));
        assert_eq!(f.user_id.as_deref(), Some("me-id"));
        assert_eq!(f.username, None);
        assert_eq!(f.organization_id.as_deref(), Some("org-acme"));
        assert_eq!(f.date_to_before.unwrap() - f.date_from.unwrap(), DAY_MICROS);
        let f = ok("resource_target:\"My Name\" email:A@B.C");
        assert_eq!(f.resource_target.as_deref(), Some("my name"));
        assert_eq!(f.email.as_deref(), Some("a@b.c"));
        assert_eq!(ok(""), AuditFilter::default());
        let f = ok("organization:00000000-0000-0000-0000-000000000000");
        assert_eq!(f.organization_id, None);
    }

    #[test]
    fn errors() {
        assert_eq!(
            errs("foo:bar"),
            vec![("foo".into(), "\"foo\" is not a valid query param".into())]
        );
        assert_eq!(
            errs("action:foo"),
            vec![(
                "action".into(),
                "Query param \"action\" has invalid value: \"foo\" is not a valid value".into()
            )]
        );
        assert_eq!(
            errs("resource_id:nope"),
            vec![(
                "resource_id".into(),
                "Query param \"resource_id\" must be a valid uuid".into()
            )]
        );
        assert_eq!(
            errs("date_from:2024-13-01"),
            vec![("date_from".into(), "Query param \"date_from\" must be a valid date format (2006-01-02): parsing time \"2024-13-01\": month out of range".into())]
        );
        assert_eq!(
            errs("organization:acme"),
            vec![("organization".into(), "Query param \"organization\" has invalid value: organization \"acme\" either does not exist, or you are unauthorized to view it".into())]
        );
        assert_eq!(
            errs("action:create action:write"),
            vec![("action".into(), "Query param \"action\" provided more than once, found 2 times. Only provide 1 instance of this query param.".into())]
        );
        assert_eq!(
            errs("foo bar"),
            vec![(
                "resource_type".into(),
                "Query param \"resource_type\" has invalid value: \"foo bar\" is not a valid value"
                    .into()
            )]
        );
        assert_eq!(
            errs("action:"),
            vec![(
                "q".into(),
                "Query element \"action:\" cannot start or end with ':'".into()
            )]
        );
        // Several errors come back together.
        assert_eq!(errs("action:x build_reason:y zzz:1").len(), 3);
    }
}

//! `q=` for `GET /workspaces` (Coder's `searchquery.Workspaces`, the subset that exists
//! without templates and agents): `owner` (username or `me`), `name` (substring,
//! case-insensitive), `deleted` (bool), `has-ai-task` (bool), `id` (comma-separated UUIDs).
//! Bare words are a name, or `owner/name`.

use super::{terms, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::WorkspaceQuery;

/// Answers a bad query with Coder's 400: `Invalid workspace search query.` and its validations.
pub fn parse(q: &str) -> Result<WorkspaceQuery, ApiError> {
    parse_terms(q)
        .map_err(|v| ApiError::bad_request("Invalid workspace search query.").validations(v))
}

fn parse_terms(q: &str) -> Result<WorkspaceQuery, Vec<Validation>> {
    if q.trim().is_empty() {
        return Ok(WorkspaceQuery::default());
    }
    let mut t = terms(q, "\u{0}bare").map_err(|e| vec![e])?;
    // Coder's default-key function: `name` or `owner/name`.
    if let Some(pos) = t.iter().position(|(k, _)| k == "\u{0}bare") {
        let (_, bare) = t.remove(pos);
        let parts: Vec<&str> = bare.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [name] => t.push(("name".into(), name.trim_matches('"').to_string())),
            [owner, name] => {
                t.push(("owner".into(), owner.trim_matches('"').to_string()));
                t.push(("name".into(), name.trim_matches('"').to_string()));
            }
            _ => {
                return Err(vec![Validation::new(
                    "q",
                    format!("Query element {bare:?} can only contain 1 '/'"),
                )])
            }
        }
    }
    let mut qp = QueryParams::new(t);
    let mut ids = Vec::new();
    for raw in qp.list("id", None) {
        match crate::model::parse_uuid(&raw) {
            Some(u) => ids.push(u),
            None => qp.errors.push(Validation::new(
                "id",
                format!(
                    "Query param \"id\" has invalid values: invalid UUID length: {}",
                    raw.len()
                ),
            )),
        }
    }
    let out = WorkspaceQuery {
        owner: qp.string("owner"),
        name: qp.string("name"),
        deleted: qp.boolean("deleted").unwrap_or(false),
        has_ai_task: qp.boolean("has-ai-task"),
        ids,
    };
    let errors = qp.finish();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_coder() {
        let q = parse("owner:me deleted:true").expect("ok");
        assert_eq!(q.owner.as_deref(), Some("me"));
        assert!(q.deleted);
        let q = parse("alice/dev").expect("ok");
        assert_eq!(
            (q.owner.as_deref(), q.name.as_deref()),
            (Some("alice"), Some("dev"))
        );
        assert_eq!(parse("Dev").expect("ok").name.as_deref(), Some("dev"));
        assert_eq!(
            parse("has-ai-task:false").expect("ok").has_ai_task,
            Some(false)
        );
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(parse("a/b/c").unwrap_err().validations[0].field, "q");
        assert_eq!(
            parse("deleted:maybe").unwrap_err().validations[0].field,
            "deleted"
        );
        assert_eq!(
            parse("template:x").unwrap_err().validations[0].field,
            "template"
        );
        assert_eq!(parse("id:nope").unwrap_err().validations[0].field, "id");
    }
}

//! The users search language (Coder's `searchquery.Users`), shared by `GET /users` and
//! `GET /organizations/{org}/paginated-members`. `store::user_list::filter_sql` turns the result
//! into SQL.

use super::{terms, QueryParams};
use crate::error::{ApiError, Validation};
use crate::model::query::UsersFilter;
use crate::model::{LoginType, UserStatus};

fn invalid(validations: Vec<Validation>) -> ApiError {
    ApiError::bad_request("Invalid user search query.").validations(validations)
}

/// Parses `q`; any problem answers 400 `Invalid user search query.` with validations.
pub fn parse(q: &str) -> Result<UsersFilter, ApiError> {
    let terms = terms(q, "search").map_err(|v| invalid(vec![v]))?;
    let mut p = QueryParams::new(terms);
    let filter = UsersFilter {
        search: p.string("search").unwrap_or_default(),
        name: p.string("name").unwrap_or_default(),
        status: p.enum_list("status", UserStatus::NAMES),
        service_account: p.boolean("service_account"),
        roles: p.custom_list("role", |v| Ok(v.to_string())),
        last_seen_after: p.time3339nano("last_seen_after"),
        last_seen_before: p.time3339nano("last_seen_before"),
        created_after: p.time3339nano("created_after"),
        created_before: p.time3339nano("created_before"),
        github_com_user_id: p.int64("github_com_user_id").unwrap_or(0),
        login_type: p.enum_list("login_type", LoginType::NAMES),
        username: p.string("username"),
        email: p.string("email"),
        has_ai_seat: p.boolean("has_ai_seat"),
    };
    let errors = p.finish();
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_errors() {
        let f =
            parse("Alice status:active,dormant role:owner login_type:password has_ai_seat:true")
                .expect("ok");
        assert_eq!(f.search, "alice");
        assert_eq!(f.status, vec!["active", "dormant"]);
        assert_eq!(f.role_filter(), Some(&["owner".to_string()][..]));
        assert_eq!(f.has_ai_seat, Some(true));
        assert_eq!(parse("role:member,owner").expect("ok").role_filter(), None);
        let e = parse("status:nope").unwrap_err();
        assert_eq!(e.message, "Invalid user search query.");
        assert_eq!(
            e.validations[0].detail,
            "Query param \"status\" has invalid values: \"nope\" is not a valid value"
        );
        let e = parse("foo:bar").unwrap_err();
        assert_eq!(
            e.validations[0].detail,
            "\"foo\" is not a valid query param"
        );
        let e = parse("created_after:yesterday").unwrap_err();
        assert!(e.validations[0]
            .detail
            .starts_with("Query param \"created_after\" must be a valid date format"));
        assert!(parse("").expect("empty") == UsersFilter::default());
    }
}

//! What the `q` parsers (`search`) produce and `store` takes: one filter type per list
//! endpoint, and the page. Plain data: parsing and validation live in `search`, SQL in `store`.

/// `GET /audit` and its export (`search::audit`).
///
/// Parsed filters; `None` = no filter. String values are already lower-cased (the whole query
/// is), which is why `resource_target` and `email` are matched case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub request_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_target: Option<String>,
    /// A username (not `me`): rows of the non-deleted user with that name.
    pub username: Option<String>,
    /// From `username:me`.
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// Inclusive lower bound, microseconds.
    pub date_from: Option<i64>,
    /// Exclusive upper bound: the midnight after the `date_to` day (Coder stops at 23:59:59
    /// and so misses the last second's fractions).
    pub date_to_before: Option<i64>,
    pub organization_id: Option<String>,
    pub resource_type: Option<String>,
    pub action: Option<String>,
    pub build_reason: Option<String>,
}

/// `GET /users` and the paginated members list (`search::users`).
///
/// A parsed users query. Empty/None fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersFilter {
    /// Bare words: email or username contains (case-insensitive).
    pub search: String,
    /// `name:` display name contains (case-insensitive).
    pub name: String,
    /// `status:` any of.
    pub status: Vec<String>,
    /// `service_account:`.
    pub service_account: Option<bool>,
    /// `role:` site roles, any of; a list containing `member` does not filter.
    pub roles: Vec<String>,
    /// Microseconds, inclusive bounds.
    pub last_seen_before: Option<i64>,
    pub last_seen_after: Option<i64>,
    pub created_before: Option<i64>,
    pub created_after: Option<i64>,
    /// `github_com_user_id:`; 0 = no filter.
    pub github_com_user_id: i64,
    /// `login_type:` any of.
    pub login_type: Vec<String>,
    /// `username:` / `email:` exact (case-insensitive) matches.
    pub username: Option<String>,
    pub email: Option<String>,
    /// coderlite extension `has_ai_seat:true|false`.
    pub has_ai_seat: Option<bool>,
}

impl UsersFilter {
    /// Whether the `role` list restricts anything (everyone is a `member`).
    pub fn role_filter(&self) -> Option<&[String]> {
        if self.roles.is_empty() || self.roles.iter().any(|r| r == crate::rbac::MEMBER) {
            None
        } else {
            Some(&self.roles)
        }
    }
}

// The deprecated `GET /organizations/{org}/members` (`search::members`).
/// Filters of the members list.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MemberFilter {
    pub user_id: Option<String>,
    pub include_system: bool,
    pub github_user_id: Option<i64>,
}

// `limit`, `offset`, `after_id` (`search::pagination`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pagination {
    /// 0 = the endpoint's default (all rows for users/members, 100 for audit).
    pub limit: i64,
    pub offset: i64,
    pub after_id: Option<String>,
}

// `GET /workspaces` (`search::workspaces`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceQuery {
    pub owner: Option<String>,
    pub name: Option<String>,
    pub deleted: bool,
    pub has_ai_task: Option<bool>,
    pub ids: Vec<String>,
}

// `GET /aibridge/interceptions` (`search::interceptions`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterceptionQuery {
    pub initiator: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub client: Option<String>,
    pub started_after: Option<i64>,
    pub started_before: Option<i64>,
}

// `GET /ai-gateway/sessions` (`search::ai_gateway`).
/// A parsed sessions query: exact, case-sensitive matches; `None` = no filter. A session
/// matches when one of its completed interceptions matches every filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AISessionQuery {
    /// Resolved user id (`me`, a UUID or a username in the query).
    pub initiator_id: Option<String>,
    pub provider: Option<String>,
    pub provider_name: Option<String>,
    pub model: Option<String>,
    /// Matched against the client, `Unknown` when the interception named none.
    pub client: Option<String>,
    pub session_id: Option<String>,
    /// Inclusive bounds on `started_at`, microseconds.
    pub started_after: Option<i64>,
    pub started_before: Option<i64>,
}

impl AISessionQuery {
    /// Whether a filter looks at single interceptions (not only at the session's key): then
    /// a session's times, threads and activity count its matching interceptions only.
    pub fn per_interception(&self) -> bool {
        self.provider.is_some()
            || self.provider_name.is_some()
            || self.model.is_some()
            || self.client.is_some()
            || self.started_after.is_some()
            || self.started_before.is_some()
    }
}

/// `GET /connectionlog` and its export (`search::connection_logs`). `None` = no filter.
/// String values are lower-cased (the whole query is, as Coder does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionLogFilter {
    pub organization_id: Option<String>,
    /// A username (not `me`): rows whose workspace owner is that non-deleted user.
    pub workspace_owner: Option<String>,
    /// From `workspace_owner:me`.
    pub workspace_owner_id: Option<String>,
    pub workspace_owner_email: Option<String>,
    pub kind: Option<String>,
    /// A username (not `me`): rows of web events by that non-deleted user.
    pub username: Option<String>,
    /// From `username:me`.
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    /// Inclusive bounds, microseconds.
    pub connected_after: Option<i64>,
    pub connected_before: Option<i64>,
    pub workspace_id: Option<String>,
    pub connection_id: Option<String>,
    /// `ongoing` or `completed`.
    pub status: Option<String>,
}

//! THE table: every route × every caller → expected status, following Coder's RBAC
//! (coderd/rbac/roles.go) and handlers (404 where Coder hides existence, 400 for a `{user}`
//! the caller may not read, 401 for every unusable credential).
//!
//! Path and body placeholders, resolved per (row, caller) so mutations never interfere:
//! `{A}` `{B}` organization ids · `{member}` `{a-other}` `{b-member}` fixture user ids ·
//! `{ws}` a workspace of `member` in A · `{keyid}`/`{keyname}` a token of `member` ·
//! fresh per request: `{victim}` (user in A), `{bvictim}` (user in B), `{loner}` (user in
//! no organization), `{freshkey}` (token id of `member`), `{freshorg}` (organization id),
//! `{uniq}` (unique name).

/// Expected statuses.
pub enum Expect {
    /// For the eight callers with a session, in `CALLERS` order (owner, auditor,
    /// user-admin, template-admin, member, org-admin-a, org-auditor-a, org-user-admin-b);
    /// 401 for suspended, deleted, expired, no token, malformed and wrong-secret tokens.
    Authed([u16; 8]),
    /// The same status for every caller (routes without authentication).
    All(u16),
}

pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    pub body: Option<&'static str>,
    pub expect: Expect,
}

use Expect::{All, Authed};

const fn row(
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    expect: Expect,
) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

const G: &str = "GET";
const P: &str = "POST";
const U: &str = "PUT";
const PA: &str = "PATCH";
const D: &str = "DELETE";

#[rustfmt::skip]
pub const TABLE: &[Row] = &[
    //                                                                     owner aud  uadm tadm memb oadmA oaudA ouadB
    // ---- public ----
    row(G, "/api/v2", None, All(200)),
    row(G, "/api/v2/buildinfo", None, All(200)),
    row(G, "/api/v2/nope", None, All(404)),
    row(G, "/api/v2/users/first", None, All(200)),
    row(P, "/api/v2/users/first", Some(r#"{"email":"x@example.com","username":"x","password":"SomeSecurePassword!1"}"#), All(409)),
    row(P, "/api/v2/users/login", Some(r#"{"email":"member@example.com","password":"wrong-password"}"#), All(401)),
    row(G, "/api/v2/users/authmethods", None, All(200)),
    row(G, "/healthz", None, All(200)),
    row(G, "/metrics", None, All(200)),
    // ---- session ----
    row(P, "/api/v2/users/logout", None,                                  Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    // ---- roles ----
    row(G, "/api/v2/users/roles", None,                                   Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(G, "/api/v2/organizations/{A}/members/roles", None,               Authed([200, 200, 200, 200, 200, 200, 200, 404])),
    row(G, "/api/v2/organizations/{B}/members/roles", None,               Authed([200, 200, 200, 200, 404, 404, 404, 200])),
    // ---- users ----
    row(G, "/api/v2/users", None,                                         Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(P, "/api/v2/users", Some(r#"{"email":"{uniq}@example.com","username":"{uniq}","password":"SomeSecurePassword!1","organization_ids":["{A}"]}"#),
                                                                          Authed([201, 403, 201, 403, 403, 403, 403, 403])),
    row(G, "/api/v2/users/me", None,                                      Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(G, "/api/v2/users/{member}", None,                                Authed([200, 200, 200, 200, 200, 200, 400, 400])),
    row(G, "/api/v2/users/{b-member}", None,                              Authed([200, 200, 200, 200, 400, 400, 400, 200])),
    row(D, "/api/v2/users/{victim}", None,                                Authed([200, 403, 200, 403, 400, 403, 400, 400])),
    row(U, "/api/v2/users/{victim}/profile", Some(r#"{"username":"{victim-name}","name":"Renamed"}"#),
                                                                          Authed([200, 404, 200, 404, 400, 404, 400, 400])),
    row(U, "/api/v2/users/me/profile", Some(r#"{"username":"{me-name}","name":"Me"}"#),
                                                                          Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(U, "/api/v2/users/{victim}/status/suspend", Some("{}"),           Authed([200, 403, 200, 403, 400, 403, 400, 400])),
    row(U, "/api/v2/users/{victim}/status/activate", Some("{}"),          Authed([200, 403, 200, 403, 400, 403, 400, 400])),
    row(G, "/api/v2/users/{member}/roles", None,                          Authed([200, 200, 200, 200, 200, 404, 400, 400])),
    row(U, "/api/v2/users/{victim}/roles", Some(r#"{"roles":["auditor"]}"#),
                                                                          Authed([200, 403, 403, 403, 400, 403, 400, 400])),
    row(U, "/api/v2/users/{victim}/roles", Some(r#"{"roles":["member"]}"#),
                                                                          Authed([200, 200, 200, 200, 400, 200, 400, 400])),
    row(U, "/api/v2/users/{victim}/password", Some(r#"{"password":"AnotherSecurePassword!2"}"#),
                                                                          Authed([204, 404, 204, 404, 400, 404, 400, 400])),
    row(G, "/api/v2/users/{member}/organizations", None,                  Authed([200, 200, 200, 200, 200, 200, 400, 400])),
    // Coder's read_personal: the user and user managers; readers who may not see it get 404.
    row(G, "/api/v2/users/{member}/login-type", None,                     Authed([200, 404, 200, 404, 200, 404, 400, 400])),
    row(G, "/api/v2/users/me/login-type", None,                           Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    // ---- API keys ----
    row(P, "/api/v2/users/me/keys", None,                                 Authed([201, 201, 201, 201, 201, 201, 201, 201])),
    row(P, "/api/v2/users/{member}/keys", None,                           Authed([201, 403, 403, 403, 201, 403, 400, 400])),
    row(P, "/api/v2/users/me/keys/tokens", Some(r#"{"token_name":"{uniq}"}"#),
                                                                          Authed([201, 201, 201, 201, 201, 201, 201, 201])),
    row(P, "/api/v2/users/{member}/keys/tokens", Some(r#"{"token_name":"{uniq}"}"#),
                                                                          Authed([201, 403, 403, 403, 201, 403, 400, 400])),
    row(G, "/api/v2/users/me/keys/tokens", None,                          Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(G, "/api/v2/users/{member}/keys/tokens", None,                    Authed([200, 200, 200, 200, 200, 200, 400, 400])),
    row(G, "/api/v2/users/{member}/keys/tokens/tokenconfig", None,        Authed([200, 200, 200, 200, 200, 200, 400, 400])),
    row(G, "/api/v2/users/{member}/keys/tokens/{keyname}", None,          Authed([200, 404, 404, 404, 200, 404, 400, 400])),
    row(G, "/api/v2/users/{member}/keys/{keyid}", None,                   Authed([200, 404, 404, 404, 200, 404, 400, 400])),
    row(D, "/api/v2/users/{member}/keys/{freshkey}", None,                Authed([204, 404, 404, 404, 204, 404, 400, 400])),
    // ---- organizations ----
    row(G, "/api/v2/organizations", None,                                 Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(P, "/api/v2/organizations", Some(r#"{"name":"{uniq}"}"#),         Authed([201, 403, 403, 403, 403, 403, 403, 403])),
    row(G, "/api/v2/organizations/{A}", None,                             Authed([200, 200, 200, 200, 200, 200, 200, 404])),
    row(G, "/api/v2/organizations/{B}", None,                             Authed([200, 200, 200, 200, 404, 404, 404, 200])),
    row(PA, "/api/v2/organizations/{A}", Some(r#"{"description":"A"}"#),  Authed([200, 404, 404, 404, 404, 200, 404, 404])),
    row(PA, "/api/v2/organizations/{B}", Some(r#"{"description":"B"}"#),  Authed([200, 404, 404, 404, 404, 404, 404, 404])),
    row(D, "/api/v2/organizations/{A}", None,                             Authed([400, 400, 400, 400, 400, 400, 400, 404])),
    row(D, "/api/v2/organizations/{freshorg}", None,                      Authed([200, 404, 404, 404, 404, 404, 404, 404])),
    // ---- members ----
    row(G, "/api/v2/organizations/{A}/members", None,                     Authed([200, 200, 200, 200, 200, 200, 200, 404])),
    row(G, "/api/v2/organizations/{B}/members", None,                     Authed([200, 200, 200, 200, 404, 404, 404, 200])),
    row(G, "/api/v2/organizations/{A}/paginated-members", None,           Authed([200, 200, 200, 200, 404, 200, 200, 404])),
    row(G, "/api/v2/organizations/{B}/paginated-members", None,           Authed([200, 200, 200, 200, 404, 404, 404, 200])),
    row(G, "/api/v2/organizations/{A}/members/{member}", None,            Authed([200, 200, 200, 200, 200, 200, 200, 404])),
    row(G, "/api/v2/organizations/{A}/members/{a-other}", None,           Authed([200, 200, 200, 200, 404, 200, 200, 404])),
    row(G, "/api/v2/organizations/{B}/members/{b-member}", None,          Authed([200, 200, 200, 200, 404, 404, 404, 200])),
    row(P, "/api/v2/organizations/{A}/members/{loner}", None,             Authed([200, 404, 200, 404, 400, 200, 400, 404])),
    row(P, "/api/v2/organizations/{B}/members/{loner}", None,             Authed([200, 404, 200, 404, 404, 404, 404, 200])),
    row(D, "/api/v2/organizations/{A}/members/{victim}", None,            Authed([204, 404, 204, 404, 404, 204, 404, 404])),
    row(D, "/api/v2/organizations/{B}/members/{bvictim}", None,           Authed([204, 404, 204, 404, 404, 404, 404, 204])),
    row(U, "/api/v2/organizations/{A}/members/{victim}/roles", Some(r#"{"roles":["organization-auditor"]}"#),
                                                                          Authed([200, 403, 400, 403, 404, 200, 403, 404])),
    row(U, "/api/v2/organizations/{B}/members/{bvictim}/roles", Some(r#"{"roles":["organization-auditor"]}"#),
                                                                          Authed([200, 403, 400, 403, 404, 404, 404, 400])),
    // ---- audit ----
    row(G, "/api/v2/audit", None,                                         Authed([200, 200, 403, 403, 403, 200, 200, 403])),
    row(G, "/api/v2/audit?q=organization:{B}", None,                      Authed([200, 200, 403, 403, 403, 200, 200, 403])),
    row(G, "/api/v2/audit/export", None,                                  Authed([200, 200, 403, 403, 403, 200, 200, 403])),
    row(G, "/api/v2/audit/export?format=ndjson", None,                    Authed([200, 200, 403, 403, 403, 200, 200, 403])),
    row(G, "/api/v2/audit/verify", None,                                  Authed([200, 200, 403, 403, 403, 403, 403, 403])),
    // Coder answers an auditor 500 here (dbauthz error not mapped); coderlite refuses with 403.
    row(P, "/api/v2/audit/testgenerate", Some("{}"),                      Authed([204, 403, 403, 403, 403, 403, 403, 403])),
    // ---- deployment ----
    row(G, "/api/v2/entitlements", None,                                  Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(G, "/api/v2/experiments", None,                                   Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(G, "/api/v2/appearance", None,                                    Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(P, "/api/v2/authcheck", Some(r#"{"checks":{"a":{"object":{"resource_type":"audit_log"},"action":"read"}}}"#),
                                                                          Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(P, "/api/v2/backup", Some("{}"),                                  Authed([201, 403, 403, 403, 403, 403, 403, 403])),
    // ---- AI Bridge ----
    row(G, "/api/v2/aibridge/interceptions", None,                        Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(P, "/api/v2/aibridge/interceptions", Some(r#"{"initiator":"{member}","provider":"openai","model":"gpt-4o","started_at":"2025-01-01T00:00:00Z","ended_at":"2025-01-01T00:00:01Z"}"#),
                                                                          Authed([201, 403, 403, 403, 403, 403, 403, 403])),
    // ---- workspaces and builds ----
    row(G, "/api/v2/workspaces", None,                                    Authed([200, 200, 200, 200, 200, 200, 200, 200])),
    row(P, "/api/v2/organizations/{A}/members/me/workspaces", Some(r#"{"name":"{uniq}"}"#),
                                                                          Authed([201, 201, 201, 201, 201, 201, 201, 404])),
    row(P, "/api/v2/organizations/{A}/members/{member}/workspaces", Some(r#"{"name":"{uniq}"}"#),
                                                                          Authed([201, 404, 404, 404, 201, 201, 404, 404])),
    row(G, "/api/v2/workspaces/{ws}", None,                               Authed([200, 404, 404, 200, 200, 200, 404, 404])),
    row(G, "/api/v2/workspaces/{ws}/builds", None,                        Authed([200, 404, 404, 200, 200, 200, 404, 404])),
    row(P, "/api/v2/workspaces/{ws}/builds", Some(r#"{"transition":"start"}"#),
                                                                          Authed([201, 404, 404, 403, 201, 201, 404, 404])),
];

impl Row {
    pub fn expected(&self, column: usize) -> u16 {
        match &self.expect {
            All(s) => *s,
            Authed(v) => v.get(column).copied().unwrap_or(401),
        }
    }
}

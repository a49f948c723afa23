//! Every route the server answers, in one table: from the `routes` functions of
//! src/api/**/*.rs, the root routes (/metrics, /healthz) and the UI routes of src/web.
//! Path templates use `{user}` (a member), `{org}` (a second organization the member is in),
//! `{ws}` (the member's workspace), `{keyid}`/`{keyname}` (the member's token) and
//! `{default_org}`; body templates use `@N@` for a per-request unique number.

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/api/v2`: errors in Coder's JSON shape.
    Api,
    /// `/metrics`, `/healthz`.
    Root,
    /// The web UI (plain-text errors).
    Ui,
}

pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub kind: Kind,
    /// A valid JSON body, for endpoints that read one.
    pub body: Option<&'static str>,
    /// Body string fields whose hostile values must be refused (names, enums, ids); other
    /// string fields are free text that may be stored verbatim.
    pub strict: &'static [&'static str],
    /// Hostile values a strict field legitimately accepts (e.g. `_` is a plain file name).
    pub ok_values: &'static [&'static str],
    /// No body built from the valid one can succeed (e.g. the first user already exists).
    pub never_ok: bool,
    /// The body may also be a JSON array (batches) or `null`/empty (all defaults).
    pub array_ok: bool,
    pub null_ok: bool,
    /// Largest accepted body (1 MiB; the bulk interceptions endpoint takes 32 MiB).
    pub body_limit: usize,
    /// Reads Coder's pagination parameters (`limit`, `offset`, `after_id`).
    pub paginated: bool,
    /// Reads a `q` search query with these keys.
    pub q_keys: &'static [&'static str],
}

const E: Endpoint = Endpoint {
    method: "GET",
    path: "",
    kind: Kind::Api,
    body: None,
    strict: &[],
    ok_values: &[],
    never_ok: false,
    array_ok: false,
    null_ok: false,
    body_limit: 1024 * 1024,
    paginated: false,
    q_keys: &[],
};

const fn get(path: &'static str) -> Endpoint {
    Endpoint { path, ..E }
}

pub const fn op(method: &'static str, path: &'static str) -> Endpoint {
    Endpoint { method, path, ..E }
}

const fn ui(path: &'static str) -> Endpoint {
    Endpoint {
        path,
        kind: Kind::Ui,
        ..E
    }
}

const AI_SESSION_KEYS: &[&str] = &["initiator", "provider", "model", "client", "session_id"];

pub fn all() -> Vec<Endpoint> {
    vec![
        // buildinfo.rs
        get("/api/v2"),
        get("/api/v2/"),
        get("/api/v2/buildinfo"),
        get("/api/v2/experiments"),
        get("/api/v2/appearance"),
        // authcheck.rs
        Endpoint {
            body: Some(
                r#"{"checks":{"k":{"object":{"resource_type":"workspace","owner_id":"me","organization_id":"{default_org}"},"action":"read"}}}"#,
            ),
            null_ok: true,
            ..op("POST", "/api/v2/authcheck")
        },
        // auth.rs
        get("/api/v2/users/first"),
        Endpoint {
            body: Some(
                r#"{"email":"first@N@@example.com","username":"first@N@","name":"F","password":"SomeSecurePassword!1"}"#,
            ),
            never_ok: true,
            ..op("POST", "/api/v2/users/first")
        },
        Endpoint {
            body: Some(r#"{"email":"nobody@N@@example.com","password":"SomeSecurePassword!1"}"#),
            never_ok: true,
            ..op("POST", "/api/v2/users/login")
        },
        get("/api/v2/users/authmethods"),
        // roles.rs
        get("/api/v2/users/roles"),
        get("/api/v2/organizations/{org}/members/roles"),
        // keys.rs
        op("POST", "/api/v2/users/{user}/keys"),
        Endpoint {
            body: Some(r#"{"token_name":"tok@N@","lifetime":86400000000000,"scope":"all"}"#),
            strict: &["scope", "scopes"],
            ..op("POST", "/api/v2/users/{user}/keys/tokens")
        },
        get("/api/v2/users/{user}/keys/tokens"),
        get("/api/v2/users/{user}/keys/tokens/tokenconfig"),
        get("/api/v2/users/{user}/keys/tokens/{keyname}"),
        get("/api/v2/users/{user}/keys/{keyid}"),
        op("DELETE", "/api/v2/users/{user}/keys/{keyid}"),
        // users.rs
        Endpoint {
            paginated: true,
            q_keys: &[
                "username",
                "email",
                "status",
                "role",
                "login_type",
                "last_seen_after",
            ],
            ..get("/api/v2/users")
        },
        Endpoint {
            body: Some(
                r#"{"email":"u@N@@example.com","username":"u@N@","name":"U","password":"SomeSecurePassword!1","login_type":"password","organization_ids":["{default_org}"]}"#,
            ),
            strict: &["email", "username", "login_type", "organization_ids"],
            ..op("POST", "/api/v2/users")
        },
        get("/api/v2/users/{user}"),
        op("DELETE", "/api/v2/users/{user}"),
        Endpoint {
            body: Some(r#"{"username":"member1","name":"Member"}"#),
            strict: &["username"],
            ..op("PUT", "/api/v2/users/{user}/profile")
        },
        op("PUT", "/api/v2/users/{user}/status/suspend"),
        op("PUT", "/api/v2/users/{user}/status/activate"),
        get("/api/v2/users/{user}/roles"),
        Endpoint {
            body: Some(r#"{"roles":["auditor"]}"#),
            strict: &["roles"],
            ..op("PUT", "/api/v2/users/{user}/roles")
        },
        Endpoint {
            body: Some(
                r#"{"old_password":"SomeSecurePassword!1","password":"AnotherSecurePassword!2"}"#,
            ),
            ..op("PUT", "/api/v2/users/{user}/password")
        },
        get("/api/v2/users/{user}/organizations"),
        get("/api/v2/users/{user}/login-type"),
        // orgs.rs
        get("/api/v2/organizations"),
        Endpoint {
            body: Some(r#"{"name":"org@N@","display_name":"Org","description":"d","icon":""}"#),
            strict: &["name"],
            ..op("POST", "/api/v2/organizations")
        },
        get("/api/v2/organizations/{org}"),
        Endpoint {
            body: Some(
                r#"{"name":"hostile-org","display_name":"Hostile","description":"","icon":""}"#,
            ),
            strict: &["name"],
            ..op("PATCH", "/api/v2/organizations/{org}")
        },
        op("DELETE", "/api/v2/organizations/{org}"),
        // members.rs
        get("/api/v2/organizations/{org}/members"),
        Endpoint {
            paginated: true,
            q_keys: &["username", "email", "status", "role"],
            ..get("/api/v2/organizations/{org}/paginated-members")
        },
        get("/api/v2/organizations/{org}/members/{user}"),
        op("POST", "/api/v2/organizations/{org}/members/{user}"),
        op("DELETE", "/api/v2/organizations/{org}/members/{user}"),
        Endpoint {
            body: Some(r#"{"roles":["organization-auditor"]}"#),
            strict: &["roles"],
            ..op("PUT", "/api/v2/organizations/{org}/members/{user}/roles")
        },
        // audit/
        Endpoint {
            paginated: true,
            q_keys: &[
                "resource_type",
                "action",
                "username",
                "email",
                "resource_target",
                "date_from",
                "build_reason",
                "organization",
            ],
            ..get("/api/v2/audit")
        },
        Endpoint {
            q_keys: &["resource_type", "action", "username", "date_to"],
            ..get("/api/v2/audit/export")
        },
        Endpoint {
            body: Some(r#"{"action":"create","resource_type":"user","resource_id":"{user}"}"#),
            strict: &[
                "action",
                "resource_type",
                "resource_id",
                "time",
                "build_reason",
                "organization_id",
            ],
            ..op("POST", "/api/v2/audit/testgenerate")
        },
        // entitlements.rs
        get("/api/v2/entitlements"),
        // aibridge.rs
        Endpoint {
            paginated: true,
            q_keys: &["initiator", "provider", "model", "client", "started_after"],
            ..get("/api/v2/aibridge/interceptions")
        },
        Endpoint {
            body: Some(
                r#"{"initiator":"{user}","provider":"openai","model":"gpt-4","started_at":"2024-01-01T00:00:00Z","client":"cli"}"#,
            ),
            strict: &["initiator", "started_at", "ended_at", "id"],
            array_ok: true,
            body_limit: 32 * 1024 * 1024,
            ..op("POST", "/api/v2/aibridge/interceptions")
        },
        // ai_gateway.rs, ai_session_threads.rs, ai_picklists.rs (both prefixes)
        Endpoint {
            paginated: true,
            q_keys: AI_SESSION_KEYS,
            ..get("/api/v2/ai-gateway/sessions")
        },
        Endpoint {
            paginated: true,
            q_keys: AI_SESSION_KEYS,
            ..get("/api/v2/aibridge/sessions")
        },
        get("/api/v2/ai-gateway/sessions/{user}"),
        get("/api/v2/aibridge/sessions/{user}"),
        Endpoint {
            paginated: true,
            q_keys: &["model"],
            ..get("/api/v2/ai-gateway/models")
        },
        Endpoint {
            paginated: true,
            q_keys: &["client"],
            ..get("/api/v2/aibridge/clients")
        },
        get("/api/v2/ai-gateway/providers"),
        // workspaces.rs
        Endpoint {
            body: Some(r#"{"name":"w@N@","has_ai_task":false}"#),
            strict: &["name"],
            ..op(
                "POST",
                "/api/v2/organizations/{org}/members/{user}/workspaces",
            )
        },
        Endpoint {
            paginated: true,
            q_keys: &["owner", "name", "organization", "has-ai-task", "deleted"],
            ..get("/api/v2/workspaces")
        },
        get("/api/v2/workspaces/{ws}"),
        // workspace_builds.rs
        Endpoint {
            paginated: true,
            ..get("/api/v2/workspaces/{ws}/builds")
        },
        Endpoint {
            body: Some(r#"{"transition":"stop","reason":"initiator","has_ai_task":false}"#),
            strict: &["transition", "reason"],
            ..op("POST", "/api/v2/workspaces/{ws}/builds")
        },
        // ops.rs
        get("/api/v2/audit/verify"),
        Endpoint {
            body: Some(r#"{"name":"backup@N@.db"}"#),
            strict: &["name"],
            ok_values: &["_"],
            null_ok: true,
            ..op("POST", "/api/v2/backup")
        },
        Endpoint {
            kind: Kind::Root,
            ..get("/metrics")
        },
        Endpoint {
            kind: Kind::Root,
            ..get("/healthz")
        },
        Endpoint {
            kind: Kind::Root,
            ..op("HEAD", "/healthz")
        },
        // web/
        ui("/"),
        ui("/login"),
        ui("/setup"),
        ui("/audit"),
        ui("/users"),
        ui("/organizations/{org}/members"),
        ui("/deployment/licenses"),
        ui("/ai-gateway/sessions"),
        ui("/ai-gateway/sessions/{user}"),
        ui("/assets/app.css"),
    ]
}

//! `codersdk` audit-log types and the enum values the search language accepts.

use super::{MinimalOrganization, User};
use serde::Serialize;
use serde_json::Value;

/// `codersdk.AuditLog`, fields in Coder's order.
#[derive(Debug, Clone, Serialize)]
pub struct AuditLog {
    /// Insertion order: breaks ties in `time` for pages and cursors. Not part of the API.
    #[serde(skip)]
    pub seq: i64,
    pub id: String,
    pub request_id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub time: i64,
    pub ip: String,
    pub user_agent: String,
    pub resource_type: String,
    pub resource_id: String,
    pub resource_target: String,
    pub resource_icon: String,
    pub action: String,
    pub diff: Value,
    pub status_code: i32,
    pub additional_fields: Value,
    pub description: String,
    pub resource_link: String,
    pub is_deleted: bool,
    pub organization_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<MinimalOrganization>,
    pub user: Option<User>,
}

/// `codersdk.AuditLogResponse`.
#[derive(Debug, Serialize)]
pub struct AuditLogResponse {
    pub audit_logs: Vec<AuditLog>,
    pub count: i64,
    pub count_cap: i64,
}

/// `audit_action` values.
pub const AUDIT_ACTIONS: &[&str] = &[
    "create",
    "write",
    "delete",
    "start",
    "stop",
    "login",
    "logout",
    "register",
    "request_password_reset",
    "connect",
    "disconnect",
    "open",
    "close",
];

/// `build_reason` values (the newest enum: the Tasks values were removed).
pub const BUILD_REASONS: &[&str] = &[
    "initiator",
    "autostart",
    "autostop",
    "dormancy",
    "failedstop",
    "autodelete",
    "dashboard",
    "cli",
    "ssh_connection",
    "vscode_connection",
    "jetbrains_connection",
];

/// `resource_type` values with their `FriendlyString()`.
pub const RESOURCE_TYPES: &[(&str, &str)] = &[
    ("template", "template"),
    ("template_version", "template version"),
    ("user", "user"),
    ("workspace", "workspace"),
    ("workspace_build", "workspace"),
    ("git_ssh_key", "git ssh key"),
    ("api_key", "token"),
    ("group", "group"),
    ("license", "license"),
    ("convert_login", "login type conversion"),
    ("workspace_proxy", "workspace proxy"),
    ("organization", "organization"),
    ("health_settings", "health_settings"),
    ("notifications_settings", "notifications_settings"),
    ("prebuilds_settings", "prebuilds_settings"),
    ("oauth2_provider_settings", "oauth2 provider settings"),
    ("idp_sync_settings_organization", "settings"),
    ("idp_sync_settings_group", "settings"),
    ("idp_sync_settings_role", "settings"),
    ("oauth2_provider_app", "oauth2 app"),
    ("oauth2_provider_app_secret", "oauth2 app secret"),
    ("custom_role", "custom role"),
    ("organization_member", "organization member"),
    ("notification_template", "notification template"),
    ("workspace_agent", "workspace agent"),
    ("workspace_app", "workspace app"),
    ("task", "task"),
    ("ai_seat", "ai seat"),
    ("ai_provider", "ai provider"),
    ("ai_provider_key", "ai provider key"),
    ("ai_gateway_key", "ai gateway key"),
    ("group_ai_budget", "group ai budget"),
    ("user_ai_budget_override", "user ai budget override"),
    ("chat", "chat"),
    ("chat_project", "chat project"),
    ("mcp_server_config", "mcp server config"),
    ("chat_model_config", "chat model config"),
    ("user_secret", "user secret"),
    ("user_skill", "user skill"),
    ("chat_instruction_settings", "chat instruction settings"),
    ("chat_operational_settings", "chat operational settings"),
    ("experiment_rule", "experiment rule"),
    // coderlite's own (Coder has no such resources): retention purges and online backups.
    ("audit_log", "audit log"),
    ("database_backup", "database backup"),
];

pub fn resource_type_names() -> Vec<&'static str> {
    RESOURCE_TYPES.iter().map(|(n, _)| *n).collect()
}

/// `codersdk.ResourceType.FriendlyString()`.
pub fn resource_friendly(resource_type: &str) -> &'static str {
    RESOURCE_TYPES
        .iter()
        .find(|(n, _)| *n == resource_type)
        .map(|(_, f)| *f)
        .unwrap_or("unknown")
}

/// `codersdk.AuditAction.Friendly()`.
pub fn action_friendly(action: &str) -> &'static str {
    match action {
        "create" => "created",
        "write" => "updated",
        "delete" => "deleted",
        "start" => "started",
        "stop" => "stopped",
        "login" => "logged in",
        "logout" => "logged out",
        "register" => "registered",
        "request_password_reset" => "password reset requested",
        "connect" => "connected",
        "disconnect" => "disconnected",
        "open" => "opened",
        "close" => "closed",
        _ => "unknown",
    }
}

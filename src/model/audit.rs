//! `codersdk` audit-log types and the enum values the search language accepts.

use super::{AuditAction, MinimalOrganization, ResourceType, User};
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

/// `codersdk.ResourceType.FriendlyString()` of a stored resource type.
pub fn resource_friendly(resource_type: &str) -> &'static str {
    ResourceType::parse(resource_type).map_or("unknown", ResourceType::friendly)
}

/// `codersdk.AuditAction.Friendly()` of a stored action.
pub fn action_friendly(action: &str) -> &'static str {
    AuditAction::parse(action).map_or("unknown", AuditAction::friendly)
}

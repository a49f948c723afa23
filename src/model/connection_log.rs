//! `codersdk.ConnectionLog` and its response, as `GET /api/v2/connectionlog` serves them.

use super::{MinimalOrganization, User};
use serde::Serialize;

/// `codersdk.ConnectionLogStatus` (a filter only).
pub const CONNECTION_LOG_STATUSES: &[&str] = &["ongoing", "completed"];

/// `codersdk.ConnectionLogWebInfo`.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionLogWebInfo {
    pub user_agent: String,
    /// `null` when the event has no user (no omitempty, as Coder).
    pub user: Option<User>,
    pub slug_or_port: String,
    pub status_code: i32,
}

/// `codersdk.ConnectionLogSSHInfo`.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionLogSSHInfo {
    pub connection_id: String,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timefmt::ser_opt"
    )]
    pub disconnect_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// `codersdk.ConnectionLog`.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionLog {
    pub id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub connect_time: i64,
    pub organization: MinimalOrganization,
    pub workspace_owner_id: String,
    pub workspace_owner_username: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub agent_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_info: Option<ConnectionLogWebInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_info: Option<ConnectionLogSSHInfo>,
}

/// `codersdk.ConnectionLogResponse`.
#[derive(Debug, Serialize)]
pub struct ConnectionLogResponse {
    pub connection_logs: Vec<ConnectionLog>,
    pub count: i64,
    pub count_cap: i64,
}

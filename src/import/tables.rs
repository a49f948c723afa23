//! Which CSV columns feed which coderlite column, per table (Coder's PostgreSQL column names).

use super::csv_table::{col, Col, Kind::*, Missing::*};
use crate::model::NIL_UUID;
use crate::timefmt::ZERO_TIME_MICROS;

pub const ORGANIZATIONS: &[Col] = &[
    col("id", Uuid, Required),
    col("name", Text, Required),
    col("display_name", Text, SameAs("name")),
    col("description", Text, Str("")),
    col("icon", Text, Str("")),
    col("is_default", Bool, Num(0)),
    col("deleted", Bool, Num(0)),
    col("created_at", Time, Required),
    col("updated_at", Time, SameAs("created_at")),
];

pub const USERS: &[Col] = &[
    col("id", Uuid, Required),
    col("email", Text, Str("")),
    col("username", Text, Required),
    col("name", Text, Str("")),
    col("hashed_password", Password, Str("")),
    col("avatar_url", Text, Str("")),
    col("status", Text, Str("dormant")),
    col("login_type", Text, Str("password")),
    col("rbac_roles", TextArray, Str("[]")),
    col("deleted", Bool, Num(0)),
    col("is_system", Bool, Num(0)),
    col("is_service_account", Bool, Num(0)),
    col("github_com_user_id", Int, Null),
    col("quiet_hours_schedule", Text, Str("")),
    col("theme_preference", Text, Str("")),
    col("created_at", Time, Required),
    col("updated_at", Time, SameAs("created_at")),
    col("last_seen_at", Time, Num(ZERO_TIME_MICROS)),
];

pub const ORGANIZATION_MEMBERS: &[Col] = &[
    col("organization_id", Uuid, Required),
    col("user_id", Uuid, Required),
    col("roles", TextArray, Str("[]")),
    col("created_at", Time, Required),
    col("updated_at", Time, SameAs("created_at")),
];

pub const WORKSPACES: &[Col] = &[
    col("id", Uuid, Required),
    col("owner_id", Uuid, Required),
    col("organization_id", Uuid, Required),
    col("name", Text, Required),
    col("deleted", Bool, Num(0)),
    col("created_at", Time, Required),
    col("updated_at", Time, SameAs("created_at")),
    col("last_used_at", Time, SameAs("updated_at")),
];

pub const WORKSPACE_BUILDS: &[Col] = &[
    col("id", Uuid, Required),
    col("workspace_id", Uuid, Required),
    col("build_number", Int, Required),
    col("transition", Text, Required),
    col("initiator_id", Uuid, Required),
    col("reason", Text, Str("initiator")),
    col("has_ai_task", Bool, Null),
    col("job_id", Uuid, Str(NIL_UUID)),
    col("created_at", Time, Required),
    col("updated_at", Time, SameAs("created_at")),
];
/// Positions inside `WORKSPACE_BUILDS` rows used to derive audit build reasons.
pub const BUILD_ID: usize = 0;
pub const BUILD_WORKSPACE: usize = 1;
pub const BUILD_NUMBER: usize = 2;
pub const BUILD_REASON: usize = 5;

pub const AIBRIDGE_INTERCEPTIONS: &[Col] = &[
    col("id", Uuid, Required),
    col("initiator_id", Uuid, Required),
    col("provider", Text, Required),
    col("provider_name", Text, SameAs("provider")),
    col("model", Text, Required),
    col("started_at", Time, Required),
    col("ended_at", Time, Null),
    col("metadata", Json, Null),
    col("api_key_id", Text, Null),
    col("client", Text, Null),
    col("client_session_id", Text, Null),
    col("thread_parent_id", Uuid, Null),
    col("thread_root_id", Uuid, Null),
    col("credential_kind", Text, Str("centralized")),
    col("credential_hint", Text, Str("")),
    col("agent_firewall_session_id", Uuid, Null),
    col("agent_firewall_sequence_number", Int, Null),
    col("error_type", Text, Null),
    col("error_message", Text, Null),
];

/// Coder's newest columns; a dump from before the cache columns reads them as 0.
pub const AIBRIDGE_TOKEN_USAGES: &[Col] = &[
    col("id", Uuid, Required),
    col("interception_id", Uuid, Required),
    col("provider_response_id", Text, Str("")),
    col("input_tokens", Int, Num(0)),
    col("output_tokens", Int, Num(0)),
    col("cache_read_input_tokens", Int, Num(0)),
    col("cache_write_input_tokens", Int, Num(0)),
    col("metadata", Json, Str("{}")),
    col("created_at", Time, Required),
];

pub const AIBRIDGE_USER_PROMPTS: &[Col] = &[
    col("id", Uuid, Required),
    col("interception_id", Uuid, Required),
    col("provider_response_id", Text, Str("")),
    col("prompt", Text, Str("")),
    col("metadata", Json, Str("{}")),
    col("created_at", Time, Required),
];

pub const AIBRIDGE_TOOL_USAGES: &[Col] = &[
    col("id", Uuid, Required),
    col("interception_id", Uuid, Required),
    col("provider_response_id", Text, Str("")),
    col("provider_tool_call_id", Text, Null),
    col("provider_item_id", Text, Null),
    col("tool", Text, Required),
    col("server_url", Text, Null),
    col("input", Text, Str("")),
    col("injected", Bool, Num(0)),
    col("invocation_error", Text, Null),
    col("metadata", Json, Str("{}")),
    col("created_at", Time, Required),
];

pub const AIBRIDGE_MODEL_THOUGHTS: &[Col] = &[
    col("interception_id", Uuid, Required),
    col("content", Text, Str("")),
    col("metadata", Json, Str("{}")),
    col("created_at", Time, Required),
];

/// `build_reason` is appended after these (derived, not read from the file).
pub const AUDIT_LOGS: &[Col] = &[
    col("id", Uuid, Required),
    col("time", Time, Required),
    col("user_id", Uuid, Str(NIL_UUID)),
    col("organization_id", Uuid, Str(NIL_UUID)),
    col("ip", Inet, Null),
    col("user_agent", Text, Null),
    col("resource_type", Text, Required),
    col("resource_id", Uuid, Str(NIL_UUID)),
    col("resource_target", Text, Str("")),
    col("action", Text, Required),
    col("diff", Json, Str("{}")),
    col("status_code", Int, Required),
    col("additional_fields", Json, Str("{}")),
    col("request_id", Uuid, Str(NIL_UUID)),
    col("resource_icon", Text, Str("")),
];
pub const AUDIT_ID: usize = 0;
pub const AUDIT_TIME: usize = 1;
pub const AUDIT_ORG: usize = 3;
pub const AUDIT_RESOURCE_TYPE: usize = 6;
pub const AUDIT_RESOURCE_ID: usize = 7;
pub const AUDIT_ACTION: usize = 9;

/// Coder's `connection_logs` (`BatchUpsertConnectionLogs`' columns); `state` is derived.
pub const CONNECTION_LOGS: &[Col] = &[
    col("id", Uuid, Required),
    col("connect_time", Time, Required),
    col("organization_id", Uuid, Required),
    col("workspace_owner_id", Uuid, Required),
    col("workspace_id", Uuid, Required),
    col("workspace_name", Text, Str("")),
    col("agent_name", Text, Str("")),
    col("type", Text, Required),
    col("code", Int, Null),
    col("ip", Inet, Null),
    col("user_agent", Text, Null),
    col("user_id", Uuid, Null),
    col("slug_or_port", Text, Null),
    col("connection_id", Uuid, Null),
    col("disconnect_reason", Text, Null),
    col("disconnect_time", Time, Null),
];
pub const CONN_ID: usize = 0;
pub const CONN_WORKSPACE: usize = 4;
pub const CONN_AGENT: usize = 6;
pub const CONN_TYPE: usize = 7;
pub const CONN_CONNECTION_ID: usize = 13;

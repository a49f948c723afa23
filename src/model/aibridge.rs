//! `codersdk.AIBridgeInterception` and its list response.

use super::MinimalUser;
use serde::Serialize;
use serde_json::Value;

/// `codersdk.AIBridgeInterception`, with its token usages, user prompts and tool usages.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeInterception {
    pub id: String,
    pub api_key_id: Option<String>,
    pub initiator: MinimalUser,
    pub provider: String,
    /// The configured provider's name (the provider type when none was given).
    pub provider_name: String,
    pub model: String,
    pub client: Option<String>,
    /// The stored JSON object, `{}` when there is none.
    pub metadata: Value,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub started_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub ended_at: Option<i64>,
    pub token_usages: Vec<AIBridgeTokenUsage>,
    pub user_prompts: Vec<AIBridgeUserPrompt>,
    pub tool_usages: Vec<AIBridgeToolUsage>,
}

/// `codersdk.AIBridgeTokenUsage`.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeTokenUsage {
    pub id: String,
    pub interception_id: String,
    pub provider_response_id: String,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_input_tokens: i64,
    pub cache_write_input_tokens: i64,
    pub metadata: Value,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
}

/// `codersdk.AIBridgeUserPrompt`.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeUserPrompt {
    pub id: String,
    pub interception_id: String,
    pub provider_response_id: String,
    pub prompt: String,
    pub metadata: Value,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
}

/// `codersdk.AIBridgeToolUsage` (`server_url` and `invocation_error` are `""` when none).
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeToolUsage {
    pub id: String,
    pub interception_id: String,
    pub provider_response_id: String,
    pub server_url: String,
    pub tool: String,
    pub input: String,
    pub injected: bool,
    pub invocation_error: String,
    pub metadata: Value,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
}

/// `codersdk.AIBridgeListInterceptionsResponse`.
#[derive(Debug, Serialize)]
pub struct AIBridgeListInterceptionsResponse {
    pub count: i64,
    pub results: Vec<AIBridgeInterception>,
}

/// Stored metadata (a JSON object as text, or none) as the API sends it: Coder sends `{}`
/// when an interception has no metadata.
pub fn metadata_value(stored: Option<&str>) -> Value {
    stored
        .and_then(|m| serde_json::from_str(m).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Default::default()))
}

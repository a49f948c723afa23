//! `codersdk.AIBridgeInterception` and its list response.

use super::MinimalUser;
use serde::Serialize;
use serde_json::Value;

/// `codersdk.AIBridgeInterception`. Token, prompt and tool usages are not recorded by
/// coderlite and are always empty lists.
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
    pub token_usages: Vec<Value>,
    pub user_prompts: Vec<Value>,
    pub tool_usages: Vec<Value>,
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

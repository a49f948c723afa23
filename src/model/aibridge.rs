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
    pub model: String,
    pub client: Option<String>,
    /// JSON object or null, as stored.
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

//! `codersdk` types of the AI Gateway sessions API: the sessions list, one session with its
//! threads, and the providers pick-list. Field order and omission follow Coder's JSON tags.

use super::MinimalUser;
use serde::Serialize;
use serde_json::{Map, Value};

/// `codersdk.AIBridgeSessionTokenUsageSummary`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct TokenSums {
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_input_tokens: i64,
    pub cache_write_input_tokens: i64,
}

impl TokenSums {
    pub fn add(&mut self, other: &TokenSums) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cache_read_input_tokens += other.cache_read_input_tokens;
        self.cache_write_input_tokens += other.cache_write_input_tokens;
    }
}

/// `codersdk.AIBridgeSessionThreadsTokenUsage`: the sums and the numeric leaves of the usages'
/// metadata summed by key.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TokenUsage {
    #[serde(flatten)]
    pub sums: TokenSums,
    pub metadata: Map<String, Value>,
}

/// `codersdk.AIBridgeSession`.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeSession {
    pub id: String,
    pub initiator: MinimalUser,
    pub providers: Vec<String>,
    pub models: Vec<String>,
    /// `null` when the session's first interception named no client (no omitempty in Coder).
    pub client: Option<String>,
    pub metadata: Value,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub started_at: i64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timefmt::ser_opt"
    )]
    pub ended_at: Option<i64>,
    pub threads: i64,
    pub token_usage_summary: TokenSums,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_prompt: Option<String>,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub last_active_at: i64,
}

/// `codersdk.AIBridgeListSessionsResponse`.
#[derive(Debug, Serialize)]
pub struct AIBridgeListSessionsResponse {
    pub count: i64,
    pub sessions: Vec<AIBridgeSession>,
}

/// `codersdk.AIBridgeModelThought`.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeModelThought {
    pub text: String,
}

/// `codersdk.AIBridgeToolCall`.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeToolCall {
    pub id: String,
    pub interception_id: String,
    pub provider_response_id: String,
    pub server_url: String,
    pub tool: String,
    pub injected: bool,
    pub input: String,
    pub metadata: Value,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
}

/// `codersdk.AIBridgeAgenticAction`: one interception of a thread that called tools.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeAgenticAction {
    pub model: String,
    pub token_usage: TokenUsage,
    pub thinking: Vec<AIBridgeModelThought>,
    pub tool_calls: Vec<AIBridgeToolCall>,
}

/// `codersdk.AIBridgeThread`.
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeThread {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    pub model: String,
    pub provider: String,
    pub credential_kind: String,
    pub credential_hint: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub started_at: i64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timefmt::ser_opt"
    )]
    pub ended_at: Option<i64>,
    pub token_usage: TokenUsage,
    pub agentic_actions: Vec<AIBridgeAgenticAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_firewall_session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_firewall_sequence_number: Option<i64>,
}

/// `codersdk.AIBridgeSessionThreadsResponse` (without Agent Firewall network data, which
/// coderlite does not record).
#[derive(Debug, Clone, Serialize)]
pub struct AIBridgeSessionThreadsResponse {
    pub id: String,
    pub initiator: MinimalUser,
    pub providers: Vec<String>,
    pub models: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    pub metadata: Value,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timefmt::ser_opt"
    )]
    pub page_started_at: Option<i64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timefmt::ser_opt"
    )]
    pub page_ended_at: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub started_at: i64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timefmt::ser_opt"
    )]
    pub ended_at: Option<i64>,
    pub token_usage_summary: TokenUsage,
    pub threads: Vec<AIBridgeThread>,
}

/// One entry of `GET /ai-gateway/providers`.
#[derive(Debug, Clone, Serialize)]
pub struct AIGatewayProvider {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub display_name: String,
    pub icon: String,
}

//! The fixture body's per-interception lists: `token_usages`, `user_prompts`, `tool_usages`
//! and `model_thoughts`, in the shapes `GET /aibridge/interceptions` answers with (so a
//! listed interception can be posted back). Times default to the interception's start.

use super::input_fields::Fields;
use crate::model::aibridge::{AIBridgeTokenUsage, AIBridgeUserPrompt};
use crate::store::interception_usages::{NewModelThought, NewToolUsage};

/// Largest token count of one usage row.
const MAX_TOKENS: i64 = i64::MAX / 1024;

/// What one interception recorded.
#[derive(Debug, Default)]
pub struct Children {
    pub token_usages: Vec<AIBridgeTokenUsage>,
    pub user_prompts: Vec<AIBridgeUserPrompt>,
    pub tool_usages: Vec<NewToolUsage>,
    pub model_thoughts: Vec<NewModelThought>,
}

impl Children {
    pub fn count(&self) -> usize {
        self.token_usages.len()
            + self.user_prompts.len()
            + self.tool_usages.len()
            + self.model_thoughts.len()
    }
}

fn metadata(f: &mut Fields) -> serde_json::Value {
    crate::model::aibridge::metadata_value(f.object("metadata").as_deref())
}

fn token_usage(f: &mut Fields, interception_id: &str, at: i64) -> AIBridgeTokenUsage {
    AIBridgeTokenUsage {
        id: f.id(),
        interception_id: interception_id.to_string(),
        provider_response_id: f.opt_string("provider_response_id").unwrap_or_default(),
        input_tokens: f.int("input_tokens", 0, MAX_TOKENS, 0),
        output_tokens: f.int("output_tokens", 0, MAX_TOKENS, 0),
        cache_read_input_tokens: f.int("cache_read_input_tokens", 0, MAX_TOKENS, 0),
        cache_write_input_tokens: f.int("cache_write_input_tokens", 0, MAX_TOKENS, 0),
        metadata: metadata(f),
        created_at: f.time("created_at").unwrap_or(at),
    }
}

fn user_prompt(f: &mut Fields, interception_id: &str, at: i64) -> AIBridgeUserPrompt {
    let prompt = f.present_string("prompt");
    AIBridgeUserPrompt {
        id: f.id(),
        interception_id: interception_id.to_string(),
        provider_response_id: f.opt_string("provider_response_id").unwrap_or_default(),
        prompt,
        metadata: metadata(f),
        created_at: f.time("created_at").unwrap_or(at),
    }
}

fn tool_usage(f: &mut Fields, interception_id: &str, at: i64) -> NewToolUsage {
    NewToolUsage {
        id: f.id(),
        interception_id: interception_id.to_string(),
        provider_response_id: f.opt_string("provider_response_id").unwrap_or_default(),
        provider_tool_call_id: f.opt_string("provider_tool_call_id"),
        provider_item_id: f.opt_string("provider_item_id"),
        tool: f.required_string("tool"),
        server_url: f.opt_string("server_url").filter(|s| !s.is_empty()),
        input: f.opt_string("input").unwrap_or_default(),
        injected: f.bool("injected"),
        invocation_error: f.opt_string("invocation_error").filter(|s| !s.is_empty()),
        metadata: metadata(f).to_string(),
        created_at: f.time("created_at").unwrap_or(at),
    }
}

fn model_thought(f: &mut Fields, interception_id: &str, at: i64) -> NewModelThought {
    NewModelThought {
        interception_id: interception_id.to_string(),
        content: f.required_string("content"),
        metadata: metadata(f).to_string(),
        created_at: f.time("created_at").unwrap_or(at),
    }
}

/// Reads every list of the interception object `f` (id `interception_id`, started at `at`).
pub fn parse(f: &mut Fields, interception_id: &str, at: i64) -> Children {
    let mut out = Children::default();
    let prefix = f.prefix.clone();
    macro_rules! each {
        ($key:literal, $read:ident, $into:ident) => {
            for (i, v) in f.list($key).iter().enumerate() {
                let path = format!("{prefix}{}[{i}].", $key);
                if let Some(mut child) = Fields::of(v, &path, &mut *f.errs) {
                    out.$into.push($read(&mut child, interception_id, at));
                }
            }
        };
    }
    each!("token_usages", token_usage, token_usages);
    each!("user_prompts", user_prompt, user_prompts);
    each!("tool_usages", tool_usage, tool_usages);
    each!("model_thoughts", model_thought, model_thoughts);
    out
}

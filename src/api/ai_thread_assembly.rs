//! Builds a session's threads from the page's interceptions and what they recorded, as
//! Coder's `db2sdk.AIBridgeSessionThreads` does: a thread per root, its prompt the root's
//! first, its times the span of its interceptions, one agentic action per interception that
//! called tools, token sums with the metadata's numeric leaves summed by dotted key.

use crate::model::ai_gateway::{
    AIBridgeAgenticAction, AIBridgeModelThought, AIBridgeThread, AIBridgeToolCall, TokenSums,
    TokenUsage,
};
use crate::model::aibridge::{AIBridgeTokenUsage, AIBridgeToolUsage, AIBridgeUserPrompt};
use crate::store::ai_threads::ThreadInterception;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Coder's `credential_hint` column width.
const HINT_MAX: usize = 15;

/// Coder's `sanitizeCredentialHint`: a hint that does not look masked becomes `...`.
pub fn sanitize_credential_hint(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else if hint.len() > HINT_MAX || !hint.contains("...") {
        "...".to_string()
    } else {
        hint.to_string()
    }
}

fn flatten_and_sum(sums: &mut HashMap<String, i64>, prefix: &str, m: &Map<String, Value>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    let e = sums.entry(key).or_insert(0);
                    *e = e.wrapping_add(i);
                }
            }
            Value::Object(nested) => flatten_and_sum(sums, &key, nested),
            _ => {}
        }
    }
}

/// Coder's `aggregateTokenMetadata`: integer leaves of the metadata objects summed by key
/// (nested keys joined with `.`); other leaves are skipped.
pub fn sum_metadata<'a>(metadata: impl IntoIterator<Item = &'a Value>) -> Map<String, Value> {
    let mut sums = HashMap::new();
    for m in metadata {
        if let Value::Object(obj) = m {
            flatten_and_sum(&mut sums, "", obj);
        }
    }
    sums.into_iter().map(|(k, v)| (k, Value::from(v))).collect()
}

fn token_usage(rows: &[&AIBridgeTokenUsage]) -> TokenUsage {
    let mut sums = TokenSums::default();
    for t in rows {
        sums.add(&TokenSums {
            input_tokens: t.input_tokens,
            output_tokens: t.output_tokens,
            cache_read_input_tokens: t.cache_read_input_tokens,
            cache_write_input_tokens: t.cache_write_input_tokens,
        });
    }
    TokenUsage {
        sums,
        metadata: sum_metadata(rows.iter().map(|t| &t.metadata)),
    }
}

/// What the page's interceptions recorded, by interception id.
#[derive(Default)]
pub struct Recorded<'a> {
    pub tokens: HashMap<&'a str, Vec<&'a AIBridgeTokenUsage>>,
    pub tools: HashMap<&'a str, Vec<&'a AIBridgeToolUsage>>,
    pub prompts: HashMap<&'a str, Vec<&'a AIBridgeUserPrompt>>,
    pub thoughts: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Recorded<'a> {
    pub fn new(
        tokens: &'a [AIBridgeTokenUsage],
        tools: &'a [AIBridgeToolUsage],
        prompts: &'a [AIBridgeUserPrompt],
        thoughts: &'a [(String, String)],
    ) -> Self {
        let mut r = Recorded::default();
        for t in tokens {
            r.tokens.entry(&t.interception_id).or_default().push(t);
        }
        for t in tools {
            r.tools.entry(&t.interception_id).or_default().push(t);
        }
        for p in prompts {
            r.prompts.entry(&p.interception_id).or_default().push(p);
        }
        for (id, text) in thoughts {
            r.thoughts.entry(id).or_default().push(text);
        }
        r
    }

    fn tokens_of(&self, id: &str) -> Vec<&'a AIBridgeTokenUsage> {
        self.tokens.get(id).cloned().unwrap_or_default()
    }
}

fn action(
    i: &ThreadInterception,
    tools: &[&AIBridgeToolUsage],
    rec: &Recorded,
) -> AIBridgeAgenticAction {
    AIBridgeAgenticAction {
        model: i.model.clone(),
        token_usage: token_usage(&rec.tokens_of(&i.id)),
        thinking: rec
            .thoughts
            .get(i.id.as_str())
            .map(|t| {
                t.iter()
                    .map(|text| AIBridgeModelThought {
                        text: text.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        tool_calls: tools
            .iter()
            .map(|t| AIBridgeToolCall {
                id: t.id.clone(),
                interception_id: t.interception_id.clone(),
                provider_response_id: t.provider_response_id.clone(),
                server_url: t.server_url.clone(),
                tool: t.tool.clone(),
                injected: t.injected,
                input: t.input.clone(),
                metadata: t.metadata.clone(),
                created_at: t.created_at,
            })
            .collect(),
    }
}

fn thread(id: &str, rows: &[&ThreadInterception], rec: &Recorded) -> AIBridgeThread {
    let root = rows.iter().find(|r| r.id == id).or(rows.first()).copied();
    let tokens: Vec<&AIBridgeTokenUsage> = rows.iter().flat_map(|r| rec.tokens_of(&r.id)).collect();
    let actions = rows
        .iter()
        .filter_map(|r| {
            let tools = rec.tools.get(r.id.as_str()).filter(|t| !t.is_empty())?;
            Some(action(r, tools, rec))
        })
        .collect();
    let error_type = root.and_then(|r| r.error_type.clone());
    AIBridgeThread {
        id: id.to_string(),
        prompt: root
            .and_then(|r| rec.prompts.get(r.id.as_str()))
            .and_then(|p| p.first())
            .map(|p| p.prompt.clone()),
        model: root.map(|r| r.model.clone()).unwrap_or_default(),
        provider: root.map(|r| r.provider.clone()).unwrap_or_default(),
        credential_kind: root.map(|r| r.credential_kind.clone()).unwrap_or_default(),
        credential_hint: root
            .map(|r| sanitize_credential_hint(&r.credential_hint))
            .unwrap_or_default(),
        started_at: rows.iter().map(|r| r.started_at).min().unwrap_or_default(),
        ended_at: rows.iter().filter_map(|r| r.ended_at).max(),
        token_usage: token_usage(&tokens),
        agentic_actions: actions,
        error_message: error_type
            .as_ref()
            .and_then(|_| root.and_then(|r| r.error_message.clone())),
        error_type,
        agent_firewall_session_id: root.and_then(|r| r.agent_firewall_session_id.clone()),
        agent_firewall_sequence_number: root.and_then(|r| r.agent_firewall_sequence_number),
    }
}

/// The page's threads in the order of `rows` (grouped by root), and the page's first start
/// and last end.
pub fn threads(
    rows: &[ThreadInterception],
    rec: &Recorded,
) -> (Vec<AIBridgeThread>, Option<i64>, Option<i64>) {
    let mut order: Vec<&str> = Vec::new();
    let mut by_thread: HashMap<&str, Vec<&ThreadInterception>> = HashMap::new();
    for r in rows {
        let group = by_thread.entry(&r.thread_id).or_default();
        if group.is_empty() {
            order.push(&r.thread_id);
        }
        group.push(r);
    }
    let out = order
        .iter()
        .map(|id| {
            thread(
                id,
                by_thread.get(id).map(Vec::as_slice).unwrap_or_default(),
                rec,
            )
        })
        .collect();
    let started = rows.iter().map(|r| r.started_at).min();
    let ended = rows.iter().filter_map(|r| r.ended_at).max();
    (out, started, ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hints_and_metadata_like_coder() {
        assert_eq!(sanitize_credential_hint(""), "");
        assert_eq!(sanitize_credential_hint("sk-a...9xQz"), "sk-a...9xQz");
        assert_eq!(sanitize_credential_hint("sk-abcdef"), "...");
        assert_eq!(sanitize_credential_hint("sk-abcdefgh...xyz"), "...");
        let a = json!({"cache_creation": {"ephemeral_5m_input_tokens": 8000, "x": "s"}, "n": 1, "f": 1.5});
        let b = json!({"n": 2, "arr": [1, 2], "cache_creation": {"ephemeral_5m_input_tokens": 2}});
        let m = sum_metadata([&a, &b, &json!("not an object")]);
        assert_eq!(
            Value::Object(m),
            json!({"cache_creation.ephemeral_5m_input_tokens": 8002, "n": 3})
        );
    }
}

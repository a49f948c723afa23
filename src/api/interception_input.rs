//! Body of `POST /aibridge/interceptions` (coderlite extension): one interception object or
//! an array of up to `MAX_BATCH`, each with its session and thread ids and the usages it
//! recorded (`interception_children`). Shape errors are collected per item and reported with
//! the item's index in the field name (`[3].started_at`, `[3].tool_usages[0].tool`); database
//! checks (initiators, ids) run afterwards in the writing transaction.

use super::input_fields::{capped, Fields};
use super::interception_children::Children;
use crate::error::{ApiError, Validation};
use crate::store::interceptions::NewInterception;
use serde_json::Value;

pub const MAX_BATCH: usize = 10_000;
/// At most this many usages, prompts, tool usages and thoughts in one request, all items.
pub const MAX_CHILDREN: usize = 100_000;

/// One item that passed shape validation; `initiator` is still a raw id or username.
pub struct Item {
    pub field_prefix: String,
    pub initiator: String,
    pub row: NewInterception,
    pub children: Children,
}

pub struct Parsed {
    pub items: Vec<Item>,
    pub is_batch: bool,
}

/// Coder's `credential_kind` enum.
const CREDENTIAL_KINDS: &[&str] = &["centralized", "byok_api_key", "byok_subscription"];
/// Coder's `credential_hint` column is `varchar(15)`.
const CREDENTIAL_HINT_MAX: usize = 15;

fn parse_item(v: &Value, prefix: &str, errs: &mut Vec<Validation>) -> Option<Item> {
    let before = errs.len();
    let mut f = Fields::of(v, prefix, errs)?;
    let id = f.id();
    let initiator = f.required_string("initiator");
    let provider = f.required_string("provider");
    let provider_name = f.opt_string("provider_name");
    let model = f.required_string("model");
    let started_at = f.required_time("started_at");
    let ended_at = f.time("ended_at");
    if let (Some(s), Some(e)) = (started_at, ended_at) {
        if e < s {
            f.error("ended_at", "must not be before started_at");
        }
    }
    let metadata = f.object("metadata");
    let api_key_id = f.opt_string("api_key_id");
    let client = f.opt_string("client");
    let client_session_id = f.opt_string("client_session_id").filter(|s| !s.is_empty());
    let thread_parent_id = f.uuid("thread_parent_id");
    let thread_root_id = f.uuid("thread_root_id");
    for (key, other) in [
        ("thread_parent_id", &thread_parent_id),
        ("thread_root_id", &thread_root_id),
    ] {
        if other.as_deref() == Some(id.as_str()) {
            f.error(key, "must not be the interception's own id");
        }
    }
    if thread_parent_id.is_some() && thread_root_id.is_none() {
        f.error("thread_root_id", "is required with thread_parent_id");
    }
    let credential_kind = f
        .opt_string("credential_kind")
        .unwrap_or_else(|| CREDENTIAL_KINDS[0].to_string());
    if !CREDENTIAL_KINDS.contains(&credential_kind.as_str()) {
        f.error(
            "credential_kind",
            format!("must be one of {}", CREDENTIAL_KINDS.join(", ")),
        );
    }
    let credential_hint = f.short_string("credential_hint", CREDENTIAL_HINT_MAX);
    let agent_firewall_session_id = f.uuid("agent_firewall_session_id");
    let agent_firewall_sequence_number =
        f.opt_int("agent_firewall_sequence_number", 0, i32::MAX as i64);
    let error_type = f.opt_string("error_type").filter(|s| !s.is_empty());
    let error_message = f.opt_string("error_message");
    if error_message.is_some() && error_type.is_none() {
        f.error("error_message", "is only kept with error_type");
    }
    let children = super::interception_children::parse(&mut f, &id, started_at.unwrap_or(0));
    if errs.len() > before {
        return None;
    }
    Some(Item {
        field_prefix: prefix.to_string(),
        initiator,
        row: NewInterception {
            id,
            initiator_id: String::new(),
            provider_name: provider_name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| provider.clone()),
            provider,
            model,
            started_at: started_at.unwrap_or_default(),
            ended_at,
            metadata,
            api_key_id,
            client,
            client_session_id,
            thread_parent_id,
            thread_root_id,
            credential_kind,
            credential_hint,
            agent_firewall_session_id,
            agent_firewall_sequence_number,
            error_type,
            error_message,
        },
        children,
    })
}

/// Parses and shape-validates the body.
pub fn parse(body: &[u8]) -> Result<Parsed, ApiError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::invalid_json(e.to_string()))?;
    let mut errs = Vec::new();
    let (list, is_batch) = super::input_fields::items(&v, "interception", MAX_BATCH)?;
    let items: Vec<Item> = list
        .into_iter()
        .filter_map(|(prefix, item)| parse_item(item, &prefix, &mut errs))
        .collect();
    if !errs.is_empty() {
        return Err(ApiError::validation_failed(capped(errs)));
    }
    let children: usize = items.iter().map(|i| i.children.count()).sum();
    if children > MAX_CHILDREN {
        return Err(
            ApiError::bad_request("Too many usages in one request.").detail(format!(
                "A request may record at most {MAX_CHILDREN} token usages, prompts, tool usages and thoughts; this one has {children}."
            )),
        );
    }
    Ok(Parsed { items, is_batch })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_index() {
        let body = br#"[{"initiator":"a","provider":"p","model":"m","started_at":"2024-01-01T00:00:00Z"},
                       {"initiator":"","provider":"p","model":"m","started_at":"nope","metadata":[1]}]"#;
        let e = parse(body).err().expect("invalid");
        let fields: Vec<&str> = e.validations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["[1].initiator", "[1].started_at", "[1].metadata"]
        );
        let ok = parse(br#"{"initiator":"a","provider":"p","model":"m","started_at":"2024-01-01T00:00:00Z","ended_at":null}"#)
            .expect("ok");
        assert!(!ok.is_batch);
        assert_eq!(ok.items.len(), 1);
    }

    #[test]
    fn names_the_path_of_usages() {
        let body =
            br#"{"initiator":"a","provider":"p","model":"m","started_at":"2024-01-01T00:00:00Z",
            "thread_parent_id":"6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f","credential_kind":"mine",
            "credential_hint":"sk-abcdefghijklmnop",
            "token_usages":[{"input_tokens":-1},{"input_tokens":3,"metadata":{"a":1}}],
            "user_prompts":[{}], "tool_usages":[{"tool":"Bash","injected":"yes"}],
            "model_thoughts":"nope"}"#;
        let e = parse(body).err().expect("invalid");
        let fields: Vec<&str> = e.validations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "thread_root_id",
                "credential_kind",
                "credential_hint",
                "token_usages[0].input_tokens",
                "user_prompts[0].prompt",
                "tool_usages[0].injected",
                "model_thoughts"
            ]
        );
        let ok = parse(
            br#"{"id":"6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f","initiator":"a","provider":"p",
            "model":"m","started_at":"2024-01-01T00:00:00Z","client_session_id":"s",
            "token_usages":[{"input_tokens":3,"output_tokens":4}],
            "user_prompts":[{"prompt":"hi","created_at":"2024-01-01T00:00:01Z"}]}"#,
        )
        .expect("ok");
        let item = &ok.items[0];
        assert_eq!(item.children.token_usages[0].interception_id, item.row.id);
        assert_eq!(
            item.children.token_usages[0].created_at,
            item.row.started_at
        );
        assert_eq!(item.children.user_prompts[0].prompt, "hi");
        assert_eq!(item.row.credential_kind, "centralized");
    }
}

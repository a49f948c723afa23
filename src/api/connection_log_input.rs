//! Body of `POST /api/v2/connectionlog` (coderlite fixture): one connection event or an
//! array of up to `MAX_BATCH`, as Coder's writers report them:
//!
//! * agent sessions (`ssh`, `vscode`, `jetbrains`, `reconnecting_pty`) carry a
//!   `connection_id`; a `connected` event opens the row, a `disconnected` one closes it
//!   (with `disconnect_reason` and the exit `code`), in either order;
//! * web events (`workspace_app`, `port_forwarding`, `tunnel`) are one row each, with the
//!   `user` (id or username), `user_agent`, `slug_or_port` and the HTTP `code`.
//!
//! Shape errors are collected per event with its index in the field name (`[3].type`); the
//! workspace and user are resolved afterwards in the writing transaction.

use super::input_fields::{capped, items, Fields};
use crate::error::ApiError;
use crate::model::ConnectionType;
use crate::store::connection_log_writes::ConnectionEvent;
use serde_json::Value;

pub const MAX_BATCH: usize = 10_000;
/// Longest accepted text field (agent names, user agents, reasons).
const MAX_TEXT: usize = 4096;

/// One parsed event: the row (organization, owner and workspace name still to be filled in
/// from its workspace) and what must be resolved.
pub struct Event {
    pub field_prefix: String,
    pub row: ConnectionEvent,
    /// A user id or username (web events).
    pub user: Option<String>,
}

pub struct Parsed {
    pub events: Vec<Event>,
    pub is_batch: bool,
}

fn parse_event(v: &Value, prefix: &str, errs: &mut Vec<crate::error::Validation>) -> Option<Event> {
    let mut f = Fields::of(v, prefix, errs)?;
    let id = f.id();
    let time = f.required_time("time");
    let disconnected = match f.opt_string("status").as_deref() {
        None | Some("connected") => false,
        Some("disconnected") => true,
        Some(other) => {
            f.error(
                "status",
                format!("must be \"connected\" or \"disconnected\", got {other:?}"),
            );
            false
        }
    };
    let workspace_id = f.required_uuid("workspace_id");
    let agent_name = f.required_string("agent_name");
    if agent_name.len() > MAX_TEXT {
        f.error(
            "agent_name",
            format!("must be at most {MAX_TEXT} bytes long"),
        );
    }
    let kind_text = f.required_string("type");
    let kind = ConnectionType::parse(&kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        f.error(
            "type",
            format!(
                "{kind_text:?} is not a valid connection type (one of {})",
                ConnectionType::NAMES.join(", ")
            ),
        );
    }
    let ip = f.opt_string("ip").filter(|s| !s.is_empty());
    if let Some(ip) = &ip {
        if ip.parse::<std::net::IpAddr>().is_err() {
            f.error("ip", format!("must be an IP address, got {ip:?}"));
        }
    }
    let code = f
        .opt_int("code", i32::MIN as i64, i32::MAX as i64)
        .map(|c| c as i32);
    let user_agent = Some(f.short_string("user_agent", MAX_TEXT)).filter(|s| !s.is_empty());
    let slug_or_port = Some(f.short_string("slug_or_port", MAX_TEXT)).filter(|s| !s.is_empty());
    let disconnect_reason =
        Some(f.short_string("disconnect_reason", MAX_TEXT)).filter(|s| !s.is_empty());
    let connection_id = f.uuid("connection_id");
    let user = f.opt_string("user").filter(|s| !s.is_empty());
    let web = kind.is_some_and(|k| k.is_web());
    if let Some(k) = kind {
        if web {
            if disconnected {
                f.error(
                    "status",
                    format!("{k} events are recorded once and have no disconnect"),
                );
            }
            if connection_id.is_some() {
                f.error("connection_id", format!("{k} events have no connection id"));
            }
        } else {
            if connection_id.is_none() && !f.has_error("connection_id") {
                f.error("connection_id", format!("required for {k} sessions"));
            }
            if user.is_some() {
                f.error(
                    "user",
                    format!("{k} sessions are agent-reported and name no user"),
                );
            }
            if slug_or_port.is_some() {
                f.error(
                    "slug_or_port",
                    format!("{k} sessions have no app slug or port"),
                );
            }
            if disconnect_reason.is_some() && !disconnected {
                f.error(
                    "disconnect_reason",
                    "only a disconnected event has a reason",
                );
            }
        }
    }
    let time = time.unwrap_or_default();
    Some(Event {
        field_prefix: prefix.to_string(),
        user,
        row: ConnectionEvent {
            id,
            connect_time: time,
            workspace_id: workspace_id.unwrap_or_default(),
            agent_name,
            kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
            // An agent session's code is its exit code, known at disconnect.
            code: if web || disconnected { code } else { None },
            ip,
            user_agent,
            slug_or_port,
            connection_id,
            disconnect_reason,
            disconnect_time: disconnected.then_some(time),
            ..ConnectionEvent::default()
        },
    })
}

/// Parses and shape-validates the body.
pub fn parse(body: &[u8]) -> Result<Parsed, ApiError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::invalid_json(e.to_string()))?;
    let mut errs = Vec::new();
    let (list, is_batch) = items(&v, "connection event", MAX_BATCH)?;
    let events: Vec<Event> = list
        .into_iter()
        .filter_map(|(prefix, item)| parse_event(item, &prefix, &mut errs))
        .collect();
    if !errs.is_empty() {
        return Err(ApiError::validation_failed(capped(errs)));
    }
    Ok(Parsed { events, is_batch })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_each_kind() {
        let body = br#"[{"time":"2026-01-01T00:00:00Z","workspace_id":"6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f","agent_name":"main","type":"ssh"},
            {"time":"2026-01-01T00:00:00Z","workspace_id":"6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f","agent_name":"main","type":"tunnel","status":"disconnected","ip":"nope"}]"#;
        let e = parse(body).err().expect("invalid");
        let fields: Vec<&str> = e.validations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, vec!["[0].connection_id", "[1].ip", "[1].status"]);
        let ok = parse(br#"{"time":"2026-01-01T00:00:00Z","workspace_id":"6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f","agent_name":"main","type":"vscode","connection_id":"7a6fafdc-e3d0-43cb-a1b7-1f19802d7908","status":"disconnected","code":0}"#).expect("ok");
        assert!(!ok.is_batch);
        let row = &ok.events[0].row;
        assert_eq!(row.code, Some(0));
        assert_eq!(row.disconnect_time, Some(row.connect_time));
    }
}

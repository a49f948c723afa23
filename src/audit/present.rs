//! How stored audit rows become API values (Coder's `convertAuditLog`): the diff,
//! `additional_fields` with Go's decode fallback, the IP text, `resource_link` and the
//! description.

use super::describe::describe;
use crate::model::AuditLog;
use crate::store::audit_logs::AuditRow;
use serde_json::{json, Map, Value};

/// The API's `AuditLog` for a stored row.
pub fn log(row: AuditRow) -> AuditLog {
    let diff = diff(&row.diff);
    let (additional_fields, fields) = additional_fields(&row.additional_fields);
    let resource_link = resource_link(
        &row.resource_type,
        &row.resource_target,
        row.is_deleted,
        row.link_owner.as_deref(),
        &fields,
    );
    AuditLog {
        seq: row.seq,
        id: row.id,
        request_id: row.request_id,
        time: row.time,
        ip: ip(row.ip.as_deref()),
        user_agent: row.user_agent.unwrap_or_default(),
        description: describe(&row.action, &row.resource_type, row.status_code, &diff),
        resource_type: row.resource_type,
        resource_id: row.resource_id,
        resource_target: row.resource_target,
        resource_icon: row.resource_icon,
        action: row.action,
        diff,
        status_code: row.status_code,
        additional_fields,
        resource_link,
        is_deleted: row.is_deleted,
        organization_id: row.organization_id,
        organization: row.organization,
        user: row.user,
    }
}

/// `diff`: the stored object, or `{}` when empty or not a JSON object.
pub fn diff(raw: &str) -> Value {
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ Value::Object(_)) => v,
        _ => Value::Object(Map::new()),
    }
}

/// The fields of Coder's `audit.AdditionalFields` that links need.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AdditionalFields {
    pub workspace_name: String,
    pub build_number: String,
    pub workspace_owner: String,
}

/// Decodes like Go's `json.Unmarshal` into `audit.AdditionalFields`: keys match
/// case-insensitively, a known key with a non-string value (or a bad `workspace_id`) is a
/// failure but the other fields are still filled; invalid JSON or a non-object fails.
fn decode(v: &Value) -> (AdditionalFields, bool) {
    let mut f = AdditionalFields::default();
    let obj = match v {
        Value::Object(o) => o,
        Value::Null => return (f, true),
        _ => return (f, false),
    };
    let mut ok = true;
    for (k, val) in obj {
        let key = k.to_ascii_lowercase();
        let slot = match key.as_str() {
            "workspace_name" => Some(&mut f.workspace_name),
            "build_number" => Some(&mut f.build_number),
            "workspace_owner" => Some(&mut f.workspace_owner),
            "build_reason" | "workspace_id" => None,
            _ => continue,
        };
        match val {
            Value::Null => {}
            Value::String(s) => {
                if key == "workspace_id" && uuid::Uuid::parse_str(s).is_err() {
                    ok = false;
                }
                if let Some(slot) = slot {
                    *slot = s.clone();
                }
            }
            _ => ok = false,
        }
    }
    (f, ok)
}

/// `additional_fields` as returned (the stored value, or Coder's "unknown" replacement when
/// it does not decode) and the decoded fields.
pub fn additional_fields(raw: &str) -> (Value, AdditionalFields) {
    let parsed = serde_json::from_str::<Value>(raw);
    let (value, (fields, ok)) = match parsed {
        Ok(v) => {
            let d = decode(&v);
            (v, d)
        }
        Err(_) => (Value::Null, (AdditionalFields::default(), false)),
    };
    if ok {
        (value, fields)
    } else {
        let fallback = json!({
            "workspace_name": "unknown",
            "build_number": "unknown",
            "build_reason": "unknown",
            "workspace_owner": "unknown",
            "workspace_id": crate::model::NIL_UUID,
        });
        (fallback, fields)
    }
}

/// `ip`: the stored address (an optional `/prefix` is dropped), or "" when NULL or invalid.
pub fn ip(raw: Option<&str>) -> String {
    let Some(raw) = raw else {
        return String::new();
    };
    let host = raw.split('/').next().unwrap_or("");
    host.parse::<std::net::IpAddr>()
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// `resource_link` for the resource types coderlite knows (user, workspace, workspace
/// build); "" for deleted resources and every other type. `owner` is the workspace
/// owner's username when the workspace (and its owner) were found.
pub fn resource_link(
    resource_type: &str,
    target: &str,
    is_deleted: bool,
    owner: Option<&str>,
    fields: &AdditionalFields,
) -> String {
    if is_deleted {
        return String::new();
    }
    match (resource_type, owner) {
        ("user", _) => format!("/users?filter={target}"),
        ("workspace", Some(owner)) => format!("/@{owner}/{target}"),
        ("workspace_build", Some(owner))
            if !fields.workspace_name.is_empty() && !fields.build_number.is_empty() =>
        {
            format!(
                "/@{owner}/{}/builds/{}",
                fields.workspace_name, fields.build_number
            )
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn additional_fields_fallback() {
        let (v, f) = additional_fields(
            r#"{"workspace_name":"ws","build_number":"3","workspace_owner":"bob","extra":1}"#,
        );
        assert_eq!(v["extra"], 1);
        assert_eq!(f.build_number, "3");
        let (v, f) = additional_fields(r#"{"workspace_name":"ws","build_number":3}"#);
        assert_eq!(v["build_number"], "unknown");
        assert_eq!(v["workspace_id"], crate::model::NIL_UUID);
        assert_eq!(f.workspace_name, "ws");
        let (v, _) = additional_fields("not json");
        assert_eq!(v["workspace_owner"], "unknown");
        let (v, _) = additional_fields(r#"{"workspace_id":"nope"}"#);
        assert_eq!(v["build_reason"], "unknown");
        let (v, _) = additional_fields("[1]");
        assert_eq!(v["workspace_name"], "unknown");
        let (v, _) = additional_fields("{}");
        assert_eq!(v, json!({}));
    }

    #[test]
    fn ips_and_links() {
        assert_eq!(ip(Some("127.0.0.1")), "127.0.0.1");
        assert_eq!(ip(Some("10.1.2.3/32")), "10.1.2.3");
        assert_eq!(ip(Some("::1")), "::1");
        assert_eq!(ip(Some("garbage")), "");
        assert_eq!(ip(None), "");
        let f = AdditionalFields {
            workspace_name: "dev".into(),
            build_number: "7".into(),
            workspace_owner: String::new(),
        };
        assert_eq!(
            resource_link("workspace_build", "dev", false, Some("amy"), &f),
            "/@amy/dev/builds/7"
        );
        assert_eq!(
            resource_link("workspace_build", "dev", true, Some("amy"), &f),
            ""
        );
        assert_eq!(
            resource_link("workspace", "dev", false, Some("amy"), &f),
            "/@amy/dev"
        );
        assert_eq!(resource_link("workspace", "dev", false, None, &f), "");
        assert_eq!(
            resource_link("user", "bob", false, None, &f),
            "/users?filter=bob"
        );
        assert_eq!(resource_link("template", "t", false, None, &f), "");
        assert_eq!(diff(""), json!({}));
        assert_eq!(diff("[]"), json!({}));
    }
}

//! Committed audit rows, in `seq` order, as the API's `AuditLog` JSON for the streams.
//!
//! A minimal equivalent of the `GET /api/v2/audit` conversion (same keys and types; the
//! description follows Coder's template; `is_deleted` is false and `resource_link` empty).
//! Switch to the audit area's conversion in `store/audit_logs.rs` once it exists.

use crate::model::NIL_UUID;
use crate::store::users::{user_columns, user_from_row};
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

/// One row ready to send.
pub struct StreamRow {
    pub seq: i64,
    pub id: String,
    pub hash: Option<String>,
    pub json: String,
}

fn friendly_action(action: &str) -> &str {
    match action {
        "create" => "created",
        "write" => "updated",
        "delete" => "deleted",
        "start" => "started",
        "stop" => "stopped",
        "login" => "logged in",
        "logout" => "logged out",
        "register" => "registered",
        "request_password_reset" => "password reset requested",
        "connect" => "connected",
        "disconnect" => "disconnected",
        "open" => "opened",
        "close" => "closed",
        _ => "unknown",
    }
}

fn friendly_resource(rt: &str) -> String {
    match rt {
        "api_key" => "token".into(),
        "workspace_build" => "workspace".into(),
        "oauth2_provider_app" => "oauth2 app".into(),
        other => other.replace('_', " "),
    }
}

/// Coder's description template (`coderd/audit.go`), without the chat special cases.
fn description(action: &str, resource_type: &str, status: i64) -> String {
    let mut s = String::new();
    if action != "request_password_reset" {
        s.push_str("{user} ");
    }
    if status == 303 {
        s.push_str(&format!("was redirected attempting to {action}"));
    } else if status >= 400 {
        s.push_str(&format!("unsuccessfully attempted to {action}"));
    } else {
        s.push_str(friendly_action(action));
    }
    if resource_type == "api_key" && matches!(action, "login" | "logout" | "register") {
        return s;
    }
    if resource_type == "git_ssh_key" {
        s.push_str(" the git ssh key");
        return s;
    }
    if action == "request_password_reset" {
        s.push_str(" for");
    } else {
        s.push(' ');
        s.push_str(&friendly_resource(resource_type));
    }
    if resource_type == "convert_login" {
        s.push_str(" to");
    }
    s.push_str(" {target}");
    s
}

fn json_object(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Value::Object(m),
        _ => Value::Object(Map::new()),
    }
}

/// Up to `limit` committed rows after `after_seq`, oldest first.
pub fn rows_after(
    conn: &Connection,
    after_seq: i64,
    limit: i64,
) -> rusqlite::Result<Vec<StreamRow>> {
    let sql = format!(
        "SELECT a.seq, a.hash, a.id, a.request_id, a.time, a.ip, a.user_agent, a.resource_type, \
         a.resource_id, a.resource_target, a.resource_icon, a.action, a.diff, a.status_code, \
         a.additional_fields, a.organization_id, o.name, o.display_name, o.icon, u.id, {} \
         FROM audit_logs a \
         LEFT JOIN organizations o ON o.id = a.organization_id \
         LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.seq > ?1 ORDER BY a.seq LIMIT ?2",
        user_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![after_seq, limit], |r| {
        let action: String = r.get(11)?;
        let resource_type: String = r.get(7)?;
        let status: i64 = r.get(13)?;
        let org_id: String = r.get(15)?;
        let user = match r.get::<_, Option<String>>(19)? {
            Some(_) => {
                let mut u = serde_json::to_value(user_from_row(r, 20)?).unwrap_or(Value::Null);
                // As Coder's audit join: no organization ids, no theme.
                u["organization_ids"] = json!([]);
                u
            }
            None => Value::Null,
        };
        let mut obj = json!({
            "id": r.get::<_, String>(2)?,
            "request_id": r.get::<_, String>(3)?,
            "time": crate::timefmt::format_micros(r.get(4)?),
            "ip": r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            "user_agent": r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            "resource_type": resource_type,
            "resource_id": r.get::<_, String>(8)?,
            "resource_target": r.get::<_, String>(9)?,
            "resource_icon": r.get::<_, String>(10)?,
            "action": action,
            "diff": json_object(&r.get::<_, String>(12)?),
            "status_code": status,
            "additional_fields": json_object(&r.get::<_, String>(14)?),
            "description": description(&action, &resource_type, status),
            "resource_link": "",
            "is_deleted": false,
            "organization_id": org_id,
            "user": user,
        });
        if org_id != NIL_UUID {
            obj["organization"] = json!({
                "id": org_id,
                "name": r.get::<_, Option<String>>(16)?.unwrap_or_default(),
                "display_name": r.get::<_, Option<String>>(17)?.unwrap_or_default(),
                "icon": r.get::<_, Option<String>>(18)?.unwrap_or_default(),
            });
        }
        Ok(StreamRow {
            seq: r.get(0)?,
            id: r.get(2)?,
            hash: r.get(1)?,
            json: crate::json::to_coder_json(&obj).trim_end().to_string(),
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::description;

    #[test]
    fn descriptions_follow_coder() {
        assert_eq!(
            description("create", "workspace", 201),
            "{user} created workspace {target}"
        );
        assert_eq!(
            description("login", "api_key", 401),
            "{user} unsuccessfully attempted to login"
        );
        assert_eq!(description("login", "api_key", 201), "{user} logged in");
        assert_eq!(
            description("delete", "git_ssh_key", 200),
            "{user} deleted the git ssh key"
        );
        assert_eq!(
            description("request_password_reset", "user", 200),
            "password reset requested for {target}"
        );
    }
}

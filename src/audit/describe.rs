//! The `description` template of an audit row, as Coder's `auditLogDescription` builds it
//! (commit 0bace989): literal `{user}` / `{target}` placeholders the client fills in.

use crate::model::{action_friendly, resource_friendly};
use serde_json::{Map, Value};

/// Coder's chat override: archive/unarchive and ACL-only changes of a chat get their own text.
fn chat_description(
    action: &str,
    resource_type: &str,
    status: i32,
    diff: &Value,
) -> Option<String> {
    if resource_type != "chat" || action != "write" || status >= 400 || status == 303 {
        return None;
    }
    let diff = diff.as_object()?;
    if diff.len() == 1 {
        if let Some(field) = diff.get("archived") {
            // `old`/`new` are omitted when false (omitempty), so absent means false.
            let flag = |k: &str| field.get(k).and_then(Value::as_bool).unwrap_or(false);
            match (flag("old"), flag("new")) {
                (false, true) => return Some("archived chat {target}".into()),
                (true, false) => return Some("unarchived chat {target}".into()),
                _ => {}
            }
        }
    }
    if !diff.is_empty() && diff.keys().all(|k| k == "user_acl" || k == "group_acl") {
        return Some("updated sharing for chat {target}".into());
    }
    None
}

/// The description template for one row.
pub fn describe(action: &str, resource_type: &str, status: i32, diff: &Value) -> String {
    let mut b = String::with_capacity(48);
    if action != "request_password_reset" {
        b.push_str("{user} ");
    }
    if let Some(chat) = chat_description(action, resource_type, status, diff) {
        b.push_str(&chat);
        return b;
    }
    if status == 303 {
        b.push_str("was redirected attempting to ");
        b.push_str(action);
    } else if status >= 400 {
        b.push_str("unsuccessfully attempted to ");
        b.push_str(action);
    } else {
        b.push_str(action_friendly(action));
    }
    if resource_type == "api_key" && matches!(action, "login" | "logout" | "register") {
        return b;
    }
    if resource_type == "git_ssh_key" {
        b.push_str(" the ");
        b.push_str(resource_friendly(resource_type));
        return b;
    }
    if action == "request_password_reset" {
        b.push_str(" for");
    } else {
        b.push(' ');
        b.push_str(resource_friendly(resource_type));
    }
    if resource_type == "convert_login" {
        b.push_str(" to");
    }
    b.push_str(" {target}");
    b
}

/// An empty diff, for callers that have none.
pub fn no_diff() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(action: &str, rt: &str, status: i32) -> String {
        describe(action, rt, status, &no_diff())
    }

    #[test]
    fn coder_examples() {
        assert_eq!(
            d("create", "workspace", 200),
            "{user} created workspace {target}"
        );
        assert_eq!(
            d("create", "workspace", 500),
            "{user} unsuccessfully attempted to create workspace {target}"
        );
        assert_eq!(d("login", "api_key", 200), "{user} logged in");
        assert_eq!(
            d("login", "api_key", 401),
            "{user} unsuccessfully attempted to login"
        );
        assert_eq!(d("logout", "api_key", 200), "{user} logged out");
        assert_eq!(d("register", "api_key", 200), "{user} registered");
        assert_eq!(
            d("delete", "git_ssh_key", 200),
            "{user} deleted the git ssh key"
        );
        assert_eq!(d("write", "chat", 200), "{user} updated chat {target}");
        assert_eq!(
            d("write", "chat", 303),
            "{user} was redirected attempting to write chat {target}"
        );
        assert_eq!(
            d("request_password_reset", "user", 200),
            "password reset requested for {target}"
        );
        assert_eq!(
            d("start", "workspace_build", 200),
            "{user} started workspace {target}"
        );
        assert_eq!(
            d("create", "convert_login", 200),
            "{user} created login type conversion to {target}"
        );
        assert_eq!(d("create", "api_key", 201), "{user} created token {target}");
        assert_eq!(d("bogus", "nope", 200), "{user} unknown unknown {target}");
    }

    #[test]
    fn chat_overrides() {
        let archived = json!({"archived": {"new": true, "secret": false}});
        let unarchived = json!({"archived": {"old": true, "secret": false}});
        let acl = json!({"user_acl": {"old": "{}", "new": "{x}", "secret": false}});
        let mixed = json!({"user_acl": {"new": "x", "secret": false}, "title": {"new": "t", "secret": false}});
        assert_eq!(
            describe("write", "chat", 200, &archived),
            "{user} archived chat {target}"
        );
        assert_eq!(
            describe("write", "chat", 200, &unarchived),
            "{user} unarchived chat {target}"
        );
        assert_eq!(
            describe("write", "chat", 200, &acl),
            "{user} updated sharing for chat {target}"
        );
        assert_eq!(
            describe("write", "chat", 200, &mixed),
            "{user} updated chat {target}"
        );
        assert_eq!(
            describe("write", "chat", 403, &archived),
            "{user} unsuccessfully attempted to write chat {target}"
        );
    }
}

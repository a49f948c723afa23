use crate::rbac;
use serde::Serialize;

/// `codersdk.SlimRole`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SlimRole {
    pub name: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization_id: String,
}

impl SlimRole {
    pub fn site(name: &str) -> Self {
        SlimRole {
            name: name.to_string(),
            display_name: rbac::display_name(name).to_string(),
            organization_id: String::new(),
        }
    }

    pub fn org(name: &str, org_id: &str) -> Self {
        SlimRole {
            name: name.to_string(),
            display_name: rbac::display_name(name).to_string(),
            organization_id: org_id.to_string(),
        }
    }

    pub fn site_list(names: &[String]) -> Vec<SlimRole> {
        names.iter().map(|n| SlimRole::site(n)).collect()
    }

    pub fn org_list(names: &[String], org_id: &str) -> Vec<SlimRole> {
        names.iter().map(|n| SlimRole::org(n, org_id)).collect()
    }
}

/// `codersdk.MinimalUser`.
#[derive(Debug, Clone, Serialize)]
pub struct MinimalUser {
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
}

/// `codersdk.User` (with the seed's `has_ai_seat` and the later `is_service_account`).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    pub email: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub last_seen_at: i64,
    pub status: String,
    pub login_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub theme_preference: String,
    pub is_service_account: bool,
    pub organization_ids: Vec<String>,
    pub roles: Vec<SlimRole>,
    /// Always serialised (no omitempty), as Coder does.
    pub has_ai_seat: bool,
}

/// `codersdk.GetUsersResponse`.
#[derive(Debug, Serialize)]
pub struct GetUsersResponse {
    pub users: Vec<User>,
    pub count: i64,
}

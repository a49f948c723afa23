use super::SlimRole;
use serde::Serialize;

/// `codersdk.Organization`.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub icon: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    pub is_default: bool,
    /// Roles every member holds implicitly beyond their own (Coder's default member roles).
    /// coderlite has built-in roles only, and members' permissions come from the roles they
    /// are given, so the list is empty.
    pub default_org_member_roles: Vec<String>,
}

/// `codersdk.MinimalOrganization`.
#[derive(Debug, Clone, Serialize)]
pub struct MinimalOrganization {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub icon: String,
}

/// `codersdk.OrganizationMember`.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationMember {
    pub user_id: String,
    pub organization_id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    pub roles: Vec<SlimRole>,
}

/// `codersdk.OrganizationMemberWithUserData` (newest key set, with `has_ai_seat`).
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationMemberWithUserData {
    pub user_id: String,
    pub organization_id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    pub roles: Vec<SlimRole>,
    pub username: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    pub email: String,
    pub global_roles: Vec<SlimRole>,
    pub has_ai_seat: bool,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub user_created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub user_updated_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub last_seen_at: i64,
    pub status: String,
    pub login_type: String,
    /// `omitempty` in codersdk: left out when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_service_account: bool,
}

/// `codersdk.PaginatedMembersResponse`.
#[derive(Debug, Serialize)]
pub struct PaginatedMembersResponse {
    pub members: Vec<OrganizationMemberWithUserData>,
    pub count: i64,
}

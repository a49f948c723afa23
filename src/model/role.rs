use serde::Serialize;

/// `codersdk.Permission`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Permission {
    pub negate: bool,
    pub resource_type: String,
    pub action: String,
}

/// `codersdk.Role` (with the newer `organization_member_permissions`). Every permission list
/// is always present, as Go's `slice.List` never yields null.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization_id: String,
    pub display_name: String,
    pub site_permissions: Vec<Permission>,
    pub organization_permissions: Vec<Permission>,
    pub user_permissions: Vec<Permission>,
    pub organization_member_permissions: Vec<Permission>,
}

/// `codersdk.AssignableRoles`: a role plus whether the caller may assign it.
#[derive(Debug, Clone, Serialize)]
pub struct AssignableRoles {
    #[serde(flatten)]
    pub role: Role,
    pub assignable: bool,
    /// Built-in roles are immutable.
    pub built_in: bool,
}

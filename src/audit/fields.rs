//! Tracked and secret fields per audited resource (Coder's `enterprise/audit/table.go`).
//! Fields not listed are ignored and never appear in a diff.

use super::diff::Fields;

pub const USER: Fields = Fields {
    track: &[
        "id",
        "email",
        "username",
        "status",
        "rbac_roles",
        "login_type",
        "deleted",
        "quiet_hours_schedule",
        "name",
        "is_system",
    ],
    secret: &["hashed_password"],
};

pub const ORGANIZATION: Fields = Fields {
    track: &[
        "name",
        "description",
        "deleted",
        "updated_at",
        "is_default",
        "display_name",
        "icon",
    ],
    secret: &[],
};

pub const ORGANIZATION_MEMBER: Fields = Fields {
    track: &["username", "user_id", "created_at", "updated_at", "roles"],
    secret: &[],
};

pub const API_KEY: Fields = Fields {
    track: &["user_id", "last_used", "expires_at", "created_at"],
    secret: &[],
};

pub const WORKSPACE: Fields = Fields {
    track: &["id", "owner_id", "name"],
    secret: &[],
};

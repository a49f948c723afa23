use serde::Serialize;

/// `codersdk.APIKeyAllowListTarget`.
#[derive(Debug, Clone, Serialize)]
pub struct ApiAllowListTarget {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// `codersdk.APIKey` (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiKey {
    pub id: String,
    pub user_id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub last_used: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub expires_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    pub login_type: String,
    /// Deprecated single scope, derived from `scopes`.
    pub scope: String,
    pub scopes: Vec<String>,
    pub token_name: String,
    pub lifetime_seconds: i64,
    pub allow_list: Vec<ApiAllowListTarget>,
}

/// `codersdk.APIKeyWithOwner`: the key plus its owner's username, at the same JSON level.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKeyWithOwner {
    #[serde(flatten)]
    pub key: ApiKey,
    pub username: String,
}

//! `codersdk.Entitlements` and `codersdk.Feature`.

use serde::Serialize;
use std::collections::BTreeMap;

pub const ENTITLED: &str = "entitled";
pub const NOT_ENTITLED: &str = "not_entitled";

/// `codersdk.Feature` (the fields coderlite can fill; `usage_period` and `soft_limit` are
/// omitted like Go's `omitempty` does when unset).
#[derive(Debug, Clone, Serialize)]
pub struct Feature {
    pub entitlement: &'static str,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<i64>,
}

impl Feature {
    pub fn not_entitled() -> Self {
        Feature {
            entitlement: NOT_ENTITLED,
            enabled: false,
            limit: None,
            actual: None,
        }
    }

    pub fn entitled() -> Self {
        Feature {
            entitlement: ENTITLED,
            enabled: true,
            limit: None,
            actual: None,
        }
    }
}

/// `codersdk.Entitlements`.
#[derive(Debug, Serialize)]
pub struct Entitlements {
    pub features: BTreeMap<&'static str, Feature>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    pub has_license: bool,
    pub trial: bool,
    pub require_telemetry: bool,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub refreshed_at: i64,
}

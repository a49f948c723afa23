//! `GET /entitlements` in Coder's shape. coderlite has no licenses: `audit_log` and `aibridge`
//! are entitled (coderlite serves both; `aibridge` unless `--ai-gateway false`), `ai_governance_user_limit` is entitled with
//! `--ai-seat-limit N` (0 = not entitled), every other feature is `not_entitled`. Seat usage
//! never blocks anyone; it warns, as Coder does.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::model::entitlements::{Entitlements, Feature};
use crate::state::AppState;
use crate::store;
use actix_web::{web, HttpResponse};
use std::collections::BTreeMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/entitlements", web::get().to(get_entitlements));
}

/// Every `codersdk.FeatureName` of the release the contract follows (tests/api/contract).
pub const FEATURE_NAMES: &[&str] = &[
    "user_limit",
    "audit_log",
    "connection_log",
    "browser_only",
    "scim",
    "template_rbac",
    "user_role_management",
    "high_availability",
    "multiple_external_auth",
    "external_provisioner_daemons",
    "appearance",
    "advanced_template_scheduling",
    "workspace_proxy",
    "external_token_encryption",
    "workspace_batch_actions",
    "access_control",
    "control_shared_ports",
    "custom_roles",
    "multiple_organizations",
    "workspace_prebuilds",
    "managed_agent_limit",
    "aibridge",
    "boundary",
    "ai_governance_user_limit",
    "workspace_external_agent",
    "service_accounts",
    "agent_runtime_hours",
    "task_batch_actions",
];

/// Coder's `codersdk.LicenseAIGovernanceOverLimitWarningText`.
pub const AI_GOVERNANCE_OVER_LIMIT: &str =
    "Your organization is using {actual} of {limit} AI Governance add-on seats ({over} over the limit).";
/// Coder's `codersdk.LicenseAIGovernance90PercentWarningText`.
pub const AI_GOVERNANCE_90_PERCENT: &str =
    "You have used {percent}% of your AI Governance add-on seats.";

/// Coder's `appendAIGovernanceSeatLimitWarning` (called only when actual > 0).
pub fn ai_seat_warning(actual: i64, limit: i64) -> Option<String> {
    if limit <= 0 || actual <= 0 {
        return None;
    }
    if actual > limit {
        Some(
            AI_GOVERNANCE_OVER_LIMIT
                .replace("{actual}", &actual.to_string())
                .replace("{limit}", &limit.to_string())
                .replace("{over}", &(actual - limit).to_string()),
        )
    } else if actual * 10 >= limit * 9 {
        Some(AI_GOVERNANCE_90_PERCENT.replace("{percent}", &(actual * 100 / limit).to_string()))
    } else {
        None
    }
}

pub fn build(
    limit: i64,
    ai_gateway: bool,
    active_users: i64,
    seats: i64,
    now: i64,
) -> Entitlements {
    let mut features: BTreeMap<&'static str, Feature> = FEATURE_NAMES
        .iter()
        .map(|n| (*n, Feature::not_entitled()))
        .collect();
    // Coder always reports the active user count.
    features.insert(
        "user_limit",
        Feature {
            actual: Some(active_users),
            ..Feature::not_entitled()
        },
    );
    features.insert("audit_log", Feature::entitled());
    features.insert("connection_log", Feature::entitled());
    if ai_gateway {
        features.insert("aibridge", Feature::entitled());
    }
    let mut warnings = Vec::new();
    if limit > 0 {
        features.insert(
            "ai_governance_user_limit",
            Feature {
                limit: Some(limit),
                actual: Some(seats),
                ..Feature::entitled()
            },
        );
        warnings.extend(ai_seat_warning(seats, limit));
    }
    Entitlements {
        features,
        warnings,
        errors: Vec::new(),
        has_license: true,
        trial: false,
        require_telemetry: false,
        refreshed_at: now,
    }
}

async fn get_entitlements(state: web::Data<AppState>, _caller: Caller) -> ApiResult<HttpResponse> {
    let limit = state.config.ai_seat_limit.max(0);
    let (users, seats) = state
        .db
        .read(|conn| {
            Ok((
                store::ai_seats::active_user_count(conn)?,
                store::ai_seats::active_seat_count(conn)?,
            ))
        })
        .await?;
    Ok(crate::json::ok(&build(
        limit,
        state.config.ai_gateway,
        users,
        seats,
        crate::timefmt::now_micros(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_at_thresholds() {
        assert_eq!(ai_seat_warning(0, 10), None);
        assert_eq!(ai_seat_warning(89, 100), None);
        assert_eq!(
            ai_seat_warning(90, 100).as_deref(),
            Some("You have used 90% of your AI Governance add-on seats.")
        );
        assert_eq!(
            ai_seat_warning(10, 10).as_deref(),
            Some("You have used 100% of your AI Governance add-on seats.")
        );
        assert_eq!(
            ai_seat_warning(12, 10).as_deref(),
            Some("Your organization is using 12 of 10 AI Governance add-on seats (2 over the limit).")
        );
        assert_eq!(ai_seat_warning(5, 0), None);
    }
}

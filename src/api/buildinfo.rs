//! Deployment facts the dashboard and SDK clients read at start: `GET /api/v2/`,
//! `/buildinfo`, `/experiments` and `/appearance`.

use crate::auth::Caller;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Coder release whose API coderlite follows (the contract of tests/api/contract).
/// Coder clients compare major.minor of the reported version.
pub const CODER_VERSION: &str = "v2.34.3";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(root))
        .route("/", web::get().to(root))
        .route("/buildinfo", web::get().to(buildinfo))
        .route("/experiments", web::get().to(experiments))
        .route("/appearance", web::get().to(appearance));
}

async fn root() -> HttpResponse {
    crate::json::ok(&json!({"message": "👋"}))
}

/// The version string: Coder's release, with coderlite's own version as build metadata
/// (`v2.34.3+coderlite-0.1.0`; semver ignores build metadata when comparing).
pub fn version() -> String {
    format!("{CODER_VERSION}+coderlite-{VERSION}")
}

async fn buildinfo() -> HttpResponse {
    crate::json::ok(&json!({
        "external_url": "https://github.com/coder/coder",
        "version": version(),
        "dashboard_url": "/",
        "workspace_proxy": false,
        "agent_api_version": "1.0",
        "provisioner_api_version": "1.0",
        "upgrade_message": "",
        "deployment_id": "",
        "telemetry": false
    }))
}

/// `GET /experiments`: the enabled experiments; coderlite runs none.
async fn experiments(_caller: Caller) -> HttpResponse {
    crate::json::ok(&json!([]))
}

/// `GET /appearance`: what Coder's AGPL server answers when no appearance is configured
/// (coderlite has no appearance settings).
async fn appearance(_caller: Caller) -> HttpResponse {
    let docs = format!("https://coder.com/docs/@{CODER_VERSION}");
    crate::json::ok(&json!({
        "application_name": "",
        "logo_url": "",
        "docs_url": docs,
        "service_banner": {"enabled": false},
        "announcement_banners": [],
        "support_links": [
            {"name": "Documentation", "target": docs, "icon": "docs"},
            {"name": "Report a bug",
             "target": format!("https://github.com/coder/coder/issues/new?labels=needs+triage&body=Version: [`{}`](https://github.com/coder/coder)", version()),
             "icon": "bug"},
            {"name": "Join the Coder Discord",
             "target": "https://coder.com/chat?utm_source=coder&utm_medium=coder&utm_campaign=server-footer",
             "icon": "chat"},
            {"name": "Star the Repo", "target": "https://github.com/coder/coder", "icon": "star"}
        ]
    }))
}

//! `GET /api/v2/` and `GET /api/v2/buildinfo`, so clients that check the server version work.

use actix_web::{web, HttpResponse};
use serde_json::json;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(root))
        .route("/", web::get().to(root))
        .route("/buildinfo", web::get().to(buildinfo));
}

async fn root() -> HttpResponse {
    crate::json::ok(&json!({"message": "👋"}))
}

async fn buildinfo() -> HttpResponse {
    // Coder clients compare major.minor of `version`; coderlite reports a Coder-compatible
    // version string with its own build metadata.
    crate::json::ok(&json!({
        "external_url": "https://github.com/coder/coder",
        "version": format!("v2.30.0+coderlite-{VERSION}"),
        "dashboard_url": "/",
        "workspace_proxy": false,
        "agent_api_version": "1.0",
        "provisioner_api_version": "1.0",
        "upgrade_message": "",
        "deployment_id": "",
        "telemetry": false
    }))
}

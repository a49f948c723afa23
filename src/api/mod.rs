//! Thin HTTP handlers, one file per area. Each checks permission through `rbac`, runs one
//! transaction through `db`/`audit`, and serialises a `model` type.

pub mod ai_gateway;
pub mod ai_picklists;
pub mod ai_session_threads;
pub mod ai_thread_assembly;
pub mod aibridge;
pub mod audit;
pub mod auth;
pub mod authcheck;
pub mod buildinfo;
pub mod connection_log_create;
pub mod connection_log_input;
pub mod connection_logs;
pub mod entitlements;
pub mod extract;
pub mod fixture;
pub mod input_fields;
pub mod interception_children;
pub mod interception_create;
pub mod interception_input;
pub mod keys;
pub mod members;
pub mod ops;
pub mod orgs;
pub mod params;
pub mod roles;
pub mod row_stream;
pub mod seat_report;
pub mod users;
pub mod workspace_builds;
pub mod workspaces;

use actix_web::{web, HttpRequest, HttpResponse};

/// Registers every `/api/v2` route. Order matters where literal segments share a prefix with
/// parameters: `/users/first`, `/users/login`, `/users/roles` ... come before `/users/{user}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v2")
            .wrap(actix_web::middleware::from_fn(extract::coder_errors))
            .configure(buildinfo::routes)
            .configure(authcheck::routes)
            .configure(auth::routes)
            .configure(roles::routes)
            .configure(keys::routes)
            .configure(users::routes)
            .configure(orgs::routes)
            .configure(members::routes)
            .configure(audit::routes)
            .configure(connection_logs::routes)
            .configure(entitlements::routes)
            .configure(seat_report::routes)
            .configure(ai_gateway::routes)
            .configure(workspaces::routes)
            .configure(workspace_builds::routes)
            .configure(ops::routes)
            .default_service(web::to(route_not_found)),
    );
}

async fn route_not_found(_req: HttpRequest) -> HttpResponse {
    crate::json::respond(
        actix_web::http::StatusCode::NOT_FOUND,
        &serde_json::json!({"message": "Route not found."}),
    )
}

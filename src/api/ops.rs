//! Operations endpoints: audit-chain verification under `/api/v2`; `/metrics` and `/healthz`
//! at the root (for Prometheus and load balancers).

use crate::audit::chain;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::ops::{metrics, Runtime};
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use subtle::ConstantTimeEq;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit/verify", web::get().to(verify));
}

/// Routes outside `/api/v2`.
pub fn root_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics_text))
        .route("/healthz", web::get().to(healthz));
}

/// `GET /api/v2/audit/verify`: walks the hash chain; 200 with `ok: false` and the first broken
/// link when it does not hold.
async fn verify(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    if !caller.subject.can_verify_audit_chain() {
        return Err(ApiError::forbidden());
    }
    let report = state.db.read(|conn| Ok(chain::verify(conn)?)).await?;
    Ok(crate::json::ok(&report))
}

fn text(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// `GET /healthz`: 200 `ok` when the database answers, else 503.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let probe = state
        .db
        .read(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
        .await;
    match probe {
        Ok(_) => text(StatusCode::OK, "ok\n"),
        Err(e) => {
            log::warn!("health check failed: {e}");
            text(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

fn metrics_authorized(req: &HttpRequest, token: Option<&str>) -> bool {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return true;
    };
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes())))
}

/// `GET /metrics`: Prometheus text format.
async fn metrics_text(
    req: HttpRequest,
    state: web::Data<AppState>,
    rt: web::Data<Runtime>,
) -> ApiResult<HttpResponse> {
    if !metrics_authorized(&req, state.config.metrics_token.as_deref()) {
        return Ok(text(StatusCode::UNAUTHORIZED, "unauthorized\n"));
    }
    let rt2 = rt.clone();
    let figures = state
        .db
        .read(move |conn| Ok(metrics::db_figures(conn, &rt2)?))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(metrics::render(&rt, &state, &figures)))
}

//! Operations endpoints: audit-chain verification under `/api/v2`.

use crate::audit::chain;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit/verify", web::get().to(verify));
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

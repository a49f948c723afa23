//! Operations endpoints: audit-chain verification under `/api/v2`; `/metrics` and `/healthz`
//! at the root (for Prometheus and load balancers).

use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::db::backup;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{AuditAction, ResourceType};
use crate::ops::{metrics, Runtime};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store::audit_chain as chain;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use subtle::ConstantTimeEq;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit/verify", web::get().to(verify))
        .route("/backup", web::post().to(backup));
}

/// Routes outside `/api/v2`.
pub fn root_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics_text))
        .route("/healthz", web::get().to(healthz))
        .route("/healthz", web::head().to(healthz));
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
    let probe = state.db.read(|conn| Ok(crate::db::ping(conn)?)).await;
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

#[derive(Debug, Default, Deserialize)]
struct BackupRequest {
    /// Optional plain file name inside the backup directory (no paths).
    #[serde(default)]
    name: Option<String>,
}

/// `POST /api/v2/backup` (owner): writes a consistent copy of the database into the configured
/// `--backup-dir` under a server-chosen (or validated plain) file name; never anywhere else,
/// and never over the network. 201 with the file's name, path, size and integrity check.
async fn backup(
    state: web::Data<AppState>,
    rt: web::Data<Runtime>,
    caller: Caller,
    meta: RequestMeta,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    if !caller.subject.can_manage_deployment() {
        return Err(ApiError::forbidden());
    }
    let req: BackupRequest = if body.iter().all(u8::is_ascii_whitespace) {
        BackupRequest::default()
    } else {
        crate::api::extract::parse_body::<Option<BackupRequest>>(&body)?.unwrap_or_default()
    };
    let Some(dir) = state.config.backup_dir.clone() else {
        return Err(ApiError::bad_request("Online backups over the API are disabled.").detail(
            "Start coderlite with --backup-dir DIR (CODERLITE_BACKUP_DIR) to allow them; `coderlite backup` works without it.",
        ));
    };
    let name = match req.name.filter(|n| !n.is_empty()) {
        None => backup::default_name(),
        Some(n) if backup::valid_name(&n) => n,
        Some(n) => {
            return Err(ApiError::validation_failed(vec![Validation::new(
                "name",
                format!("{n:?} is not a plain file name (letters, digits, '.', '_', '-'; no leading dot; at most 128 characters)"),
            )]))
        }
    };
    let db = state.db.clone();
    let out = dir.join(&name);
    let result = web::block(move || -> ApiResult<backup::BackupInfo> {
        let Ok(_one) = rt.backup_lock.try_lock() else {
            return Err(ApiError::conflict("A backup is already running."));
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| ApiError::internal(format!("cannot create backup directory: {e}")))?;
        if std::fs::symlink_metadata(&out).is_ok() {
            return Err(ApiError::conflict(
                "A backup with that name already exists.",
            ));
        }
        match db.reader_blocking()? {
            crate::db::Conn::Sqlite(src) => backup::backup_to(&src, &out).map_err(ApiError::internal),
            crate::db::Conn::Postgres(_) => Err(ApiError::bad_request(
                "Backups of a PostgreSQL database are made with PostgreSQL's own tools (pg_dump, or the provider's snapshots).",
            )),
        }
    })
    .await
    .map_err(ApiError::from)
    .and_then(|r| r);
    let mut rec = AuditRecord::new(
        caller.user_id(),
        AuditAction::Create,
        ResourceType::DatabaseBackup,
    )
    .resource(crate::model::NIL_UUID, &name);
    match &result {
        Ok(info) => {
            rec.status_code = 201;
            rec.additional_fields =
                serde_json::json!({"path": info.path, "size_bytes": info.size_bytes});
        }
        Err(e) => rec.status_code = e.status.as_u16(),
    }
    state
        .db
        .write(move |tx| Ok(audit::insert(tx, &meta, &rec)?))
        .await?;
    Ok(crate::json::created(&result?))
}

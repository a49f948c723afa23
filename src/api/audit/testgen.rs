//! `POST /api/v2/audit/testgenerate` (hidden in Coder's docs): inserts one fake row.
//! Differences from Coder, all in the direction of clearer answers: a caller that may read
//! audit rows but is not an owner gets 403 (Coder: 500 from the database layer); an unknown
//! `action`/`resource_type`/`build_reason` is a 400 (Coder: 500); `build_reason` is stored
//! in the row's denormalised build reason so the `build_reason:` filter can be exercised.

use super::require_scope;
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{AuditAction, BuildReason, ResourceType, NIL_UUID};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `codersdk.CreateTestAuditLogRequest`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateTestAuditLogRequest {
    action: Option<String>,
    resource_type: Option<String>,
    resource_id: Option<uuid::Uuid>,
    additional_fields: Option<Value>,
    time: Option<String>,
    build_reason: Option<String>,
    organization_id: Option<uuid::Uuid>,
    request_id: Option<uuid::Uuid>,
}

/// The `&'static` spelling of an allowed value, or a validation error.
fn pick(
    field: &str,
    value: Option<String>,
    allowed: &[&'static str],
    default: &'static str,
    errors: &mut Vec<Validation>,
) -> &'static str {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return default;
    };
    match allowed.iter().find(|a| **a == v) {
        Some(a) => a,
        None => {
            errors.push(Validation::new(
                field,
                format!("{v:?} is not a valid {field}"),
            ));
            default
        }
    }
}

pub(super) async fn generate(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    require_scope(&caller)?;
    if !caller.subject.is_owner() {
        return Err(ApiError::forbidden());
    }
    let body: CreateTestAuditLogRequest = crate::api::extract::parse_body(&body)?;
    let time = match body.time.as_deref().filter(|t| !t.is_empty()) {
        None => crate::timefmt::now_micros(),
        Some(t) => crate::timefmt::parse_rfc3339(t)
            .map_err(|e| ApiError::invalid_json(format!("parsing time {t:?} as RFC 3339: {e}")))?,
    };
    let mut errors = Vec::new();
    let action = pick(
        "action",
        body.action,
        AuditAction::NAMES,
        "write",
        &mut errors,
    );
    let resource_type = pick(
        "resource_type",
        body.resource_type,
        ResourceType::NAMES,
        "user",
        &mut errors,
    );
    let build_reason = body
        .build_reason
        .filter(|r| !r.is_empty())
        .map(|r| pick("build_reason", Some(r), BuildReason::NAMES, "", &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::validation_failed(errors));
    }
    // `pick` returned one of the enum's own spellings.
    let unchecked = || ApiError::internal("unchecked audit action or resource type");
    let action = AuditAction::parse(action).ok_or_else(unchecked)?;
    let resource_type = ResourceType::parse(resource_type).ok_or_else(unchecked)?;
    let mut rec = AuditRecord::new(caller.user_id(), action, resource_type).resource(
        &body
            .resource_id
            .unwrap_or_else(uuid::Uuid::new_v4)
            .hyphenated()
            .to_string(),
        &caller.username,
    );
    if let Some(org) = body.organization_id {
        rec = rec.org(&org.hyphenated().to_string());
    }
    let mut diff = Map::new();
    diff.insert(
        "foo".into(),
        json!({"old": "bar", "new": "baz", "secret": false}),
    );
    rec.diff = diff;
    rec.additional_fields = body
        .additional_fields
        .unwrap_or_else(|| Value::Object(Map::new()));
    rec.build_reason = build_reason.map(str::to_string);
    let meta = RequestMeta {
        request_id: body
            .request_id
            .map(|r| r.hyphenated().to_string())
            .unwrap_or_else(|| NIL_UUID.to_string()),
        ..meta
    };
    state
        .db
        .write(move |tx| {
            audit::insert_at(tx, &meta, &rec, time)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! The start shared by coderlite's fixture writers (`POST /aibridge/interceptions`,
//! `POST /connectionlog`): owner only, the body read up to the endpoint's limit, and the
//! audit record of the `create` that answers 201 when it commits.

use crate::audit::AuditRecord;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::{AuditAction, ResourceType};
use actix_web::web;

/// 403 for anyone but an owner; else the body and the audit record of its `create`.
pub async fn owner_create(
    caller: &Caller,
    payload: web::Payload,
    body_limit: usize,
    resource: ResourceType,
) -> ApiResult<(Vec<u8>, AuditRecord)> {
    if !caller.subject.is_owner() {
        return Err(ApiError::forbidden());
    }
    let body = super::extract::read_limited(payload, body_limit).await?;
    let mut rec = AuditRecord::new(caller.user_id(), AuditAction::Create, resource);
    rec.status_code = 201;
    Ok((body, rec))
}

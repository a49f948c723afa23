//! Workspace builds: `POST /workspaces/{workspace}/builds` (start | stop | delete; a delete
//! soft-deletes the workspace) and `GET /workspaces/{workspace}/builds`. Builds complete at
//! once. Audit: start/stop write a `workspace_build` row (resource id = build id), delete a
//! `workspace` `delete` row; both carry Coder's `additional_fields` and the build reason.

use super::params::{gone, load_readable};
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::workspace::{BuildWorkspace, WorkspaceBuild, TRANSITIONS};
use crate::model::BuildReason;
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::search::pagination::{self, query_values};
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use crate::store::workspaces::NewBuild;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/workspaces/{workspace}/builds", web::get().to(list))
        .route("/workspaces/{workspace}/builds", web::post().to(create));
}

/// Coder's `audit.AdditionalFields` for workspace and build rows (`build_number` is a string).
pub fn build_audit_fields(workspace: &str, number: i64, reason: &str, owner: &str) -> Value {
    json!({
        "workspace_name": workspace,
        "build_number": number.to_string(),
        "build_reason": reason,
        "workspace_owner": owner,
    })
}

/// The `workspace_build` audit row of one build.
pub fn build_record(
    actor: &str,
    action: AuditAction,
    org: &str,
    build_id: &str,
    workspace_name: &str,
    fields: Value,
    reason: &str,
) -> AuditRecord {
    let mut r = AuditRecord::new(actor, action, ResourceType::WorkspaceBuild)
        .org(org)
        .resource(build_id, workspace_name);
    r.additional_fields = fields;
    r.build_reason = Some(reason.to_string());
    r
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateBuildRequest {
    transition: Option<String>,
    /// coderlite extension: whether this build runs an AI task.
    has_ai_task: Option<bool>,
    reason: Option<String>,
}

/// The audit action of a validated transition (`start`, `stop`, `delete`).
fn action_of(transition: &str) -> ApiResult<AuditAction> {
    AuditAction::parse(transition).ok_or_else(|| ApiError::internal("unchecked transition"))
}

fn validate(req: &CreateBuildRequest) -> ApiResult<(&'static str, String)> {
    let mut v = Vec::new();
    let transition = match req.transition.as_deref() {
        None | Some("") => {
            v.push(Validation::required("transition"));
            None
        }
        Some(t) => match TRANSITIONS.iter().find(|x| **x == t) {
            Some(x) => Some(*x),
            None => {
                v.push(Validation::new(
                    "transition",
                    format!("Validation failed for tag \"oneof\" with value: {t:?}"),
                ));
                None
            }
        },
    };
    let reason = match req.reason.as_deref() {
        None | Some("") => BuildReason::Initiator.as_str().to_string(),
        Some(r) if BuildReason::parse(r).is_some() => r.to_string(),
        Some(r) => {
            v.push(Validation::new(
                "reason",
                format!("Validation failed for tag \"oneof\" with value: {r:?}"),
            ));
            String::new()
        }
    };
    match transition {
        Some(t) if v.is_empty() => Ok((t, reason)),
        _ => Err(ApiError::validation_failed(v)),
    }
}

async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<String>,
    body: crate::api::extract::Body<CreateBuildRequest>,
) -> ApiResult<HttpResponse> {
    let value = path.into_inner();
    let req = body.into_inner();
    let subject = caller.subject.clone();
    let ws = state
        .db
        .read(move |conn| load_readable(conn, &subject, &value))
        .await?;
    if ws.deleted {
        return Err(gone(&ws));
    }
    if !caller
        .subject
        .can_update_workspace(&ws.organization_id, &ws.owner_id)
    {
        return Err(ApiError::forbidden());
    }
    let (transition, reason) = validate(&req)?;
    let has_ai_task = req.has_ai_task.unwrap_or(false);
    let rec = if transition == "delete" {
        // Coder audits the delete request itself (201); start/stop rows stand for the
        // completed provisioner job (200).
        let mut r = AuditRecord::new(
            caller.user_id(),
            AuditAction::Delete,
            ResourceType::Workspace,
        )
        .resource(&ws.id, &ws.name);
        r.status_code = 201;
        r
    } else {
        AuditRecord::new(
            caller.user_id(),
            action_of(transition)?,
            ResourceType::WorkspaceBuild,
        )
        .resource(crate::model::NIL_UUID, &ws.name)
    }
    .org(&ws.organization_id);
    let initiator = caller.user_id().to_string();
    let job_id = meta.request_id.clone();
    let build = audit::audited(&state.db, meta, rec, move |tx, rec| {
        let current = store::workspaces::get(tx, &ws.id)?.ok_or_else(ApiError::not_found)?;
        if current.deleted {
            return Err(gone(&current));
        }
        let now = crate::timefmt::now_micros();
        let build_id = crate::model::new_uuid();
        let number = store::workspaces::insert_build(
            tx,
            &NewBuild {
                id: &build_id,
                workspace_id: &ws.id,
                transition,
                initiator_id: &initiator,
                reason: &reason,
                has_ai_task,
                job_id: &job_id,
                now,
            },
        )?;
        if transition == "delete" {
            store::workspaces::mark_deleted(tx, &ws.id, now)?;
        } else {
            store::workspaces::touch(tx, &ws.id, now)?;
            rec.resource_id = build_id.clone();
            rec.build_reason = Some(reason.clone());
        }
        rec.additional_fields = build_audit_fields(&ws.name, number, &reason, &ws.owner_name);
        let bw = BuildWorkspace::from(&current);
        store::workspaces::builds(tx, &bw, None, None, 1, 0)?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("build vanished"))
    })
    .await?;
    Ok(crate::json::created(&build))
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    let since = match query_values(&pairs, "since").first().copied() {
        None | Some("") => None,
        Some(v) => Some(crate::timefmt::parse_rfc3339(v).map_err(|e| {
            ApiError::bad_request("Query parameters have invalid values.").validations(vec![
                Validation::new(
                    "since",
                    format!("Query param \"since\" must be a valid date format (2006-01-02T15:04:05Z07:00): {e}"),
                ),
            ])
        })?),
    };
    let value = path.into_inner();
    let builds: Vec<WorkspaceBuild> = state
        .db
        .read(move |conn| {
            let ws = load_readable(conn, &caller.subject, &value)?;
            if let Some(a) = &page.after_id {
                if !store::workspaces::build_belongs(conn, &ws.id, a)? {
                    return Err(ApiError::bad_request(format!(
                        "Record at \"after_id\" ({a:?}) does not exist."
                    )));
                }
            }
            let bw = BuildWorkspace::from(&ws);
            Ok(store::workspaces::builds(
                conn,
                &bw,
                page.after_id.as_deref(),
                since,
                page.limit,
                page.offset,
            )?)
        })
        .await?;
    Ok(crate::json::ok(&builds))
}

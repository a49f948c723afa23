//! Workspaces without templates or provisioners: create (with build #1), list, read.
//! Creation is audited as a `workspace` `create` row plus the `workspace_build` `start` row of
//! build #1, in the creating transaction; the build's job id is the request id, so both rows
//! share Coder's "provisioner job id" request id.

use super::params::{gone, load_readable, resolve_org, resolve_user};
use super::workspace_builds::{build_audit_fields, build_record};
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{AuditAction, BuildReason, ResourceType};
use crate::request_meta::RequestMeta;
use crate::search::pagination::{self, query_values};
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use crate::store::workspaces::{ListFilter, NewBuild, NewWorkspace, ReadScope};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/organizations/{organization}/members/{user}/workspaces",
        web::post().to(create),
    )
    .route("/workspaces", web::get().to(list))
    .route("/workspaces/{workspace}", web::get().to(get_one));
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateWorkspaceRequest {
    name: Option<String>,
    /// coderlite extension: whether build #1 runs an AI task.
    has_ai_task: Option<bool>,
}

fn validate_name(name: &str) -> Result<(), Validation> {
    if name.is_empty() {
        return Err(Validation::required("name"));
    }
    crate::users::names::validate_username(name).map_err(|_| {
        Validation::new(
            "name",
            format!("Validation failed for tag \"workspace_name\" with value: {name:?}"),
        )
    })
}

async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: crate::api::extract::Body<CreateWorkspaceRequest>,
) -> ApiResult<HttpResponse> {
    let (org_value, user_value) = path.into_inner();
    let req = body.into_inner();
    let c2 = caller.clone();
    let (org, owner) = state
        .db
        .read(move |conn| {
            let org = resolve_org(conn, &c2, &org_value)?;
            let owner_id = resolve_user(conn, &c2, &user_value)?;
            let member =
                store::users::is_member_of_any(conn, &owner_id, std::slice::from_ref(&org.id))?;
            if !member || !c2.subject.can_create_workspace_for(&org.id, &owner_id) {
                return Err(ApiError::not_found());
            }
            let owner =
                store::users::get_by_id(conn, &owner_id)?.ok_or_else(ApiError::not_found)?;
            Ok((org, owner))
        })
        .await?;
    let name = req.name.unwrap_or_default();
    validate_name(&name).map_err(|v| ApiError::validation_failed(vec![v]))?;
    let has_ai_task = req.has_ai_task.unwrap_or(false);
    let mut rec = AuditRecord::new(
        caller.user_id(),
        AuditAction::Create,
        ResourceType::Workspace,
    )
    .org(&org.id);
    rec.status_code = 201;
    let initiator = caller.user_id().to_string();
    let meta2 = meta.clone();
    let ws = audit::audited(&state.db, meta, rec, move |tx, rec| {
        if store::workspaces::live_name_taken(tx, &owner.id, &name)? {
            return Err(
                ApiError::conflict(format!("Workspace {name:?} already exists.")).validations(
                    vec![Validation::new(
                        "name",
                        "This value is already in use and should be unique.",
                    )],
                ),
            );
        }
        let now = crate::timefmt::now_micros();
        let ws_id = crate::model::new_uuid();
        let build_id = crate::model::new_uuid();
        store::workspaces::insert(
            tx,
            &NewWorkspace {
                id: &ws_id,
                owner_id: &owner.id,
                organization_id: &org.id,
                name: &name,
                now,
            },
        )?;
        let number = store::workspaces::insert_build(
            tx,
            &NewBuild {
                id: &build_id,
                workspace_id: &ws_id,
                transition: "start",
                initiator_id: &initiator,
                reason: "initiator",
                has_ai_task,
                job_id: &meta2.request_id,
                now,
            },
        )?;
        let fields = build_audit_fields(&name, number, "initiator", &owner.username);
        rec.resource_id = ws_id.clone();
        rec.resource_target = name.clone();
        rec.diff = audit::diff::compute(
            &serde_json::Value::Null,
            &json!({"id": ws_id, "owner_id": owner.id, "name": name}),
            &audit::fields::WORKSPACE,
        );
        rec.additional_fields = fields.clone();
        rec.build_reason = Some(BuildReason::Initiator.as_str().into());
        let build_rec = build_record(
            &initiator,
            AuditAction::Start,
            &org.id,
            &build_id,
            &name,
            fields,
            BuildReason::Initiator.as_str(),
        );
        audit::insert(tx, &meta2, &build_rec)?;
        store::workspaces::get(tx, &ws_id)?.ok_or_else(|| ApiError::internal("workspace vanished"))
    })
    .await?;
    Ok(crate::json::created(&ws))
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    let q = query_string::q(&pairs).to_string();
    let query = crate::search::workspaces::parse(&q)?;
    let resp = state
        .db
        .read(move |conn| {
            let s = &caller.subject;
            let scope = if s.can_read_all_workspaces() {
                ReadScope::All
            } else {
                ReadScope::OwnAndOrgs {
                    user_id: s.user_id.clone(),
                    orgs: s.workspace_read_orgs(),
                }
            };
            let filter = ListFilter::from_query(query, |owner| match owner {
                "me" => Ok(Some(s.user_id.clone())),
                other => store::users::resolve_id(conn, other),
            })?;
            let (workspaces, count) =
                store::workspaces::list(conn, &scope, &filter, page.limit, page.offset)?;
            Ok(crate::model::workspace::WorkspacesResponse { workspaces, count })
        })
        .await?;
    Ok(crate::json::ok(&resp))
}

async fn get_one(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let include_deleted = match query_values(&pairs, "include_deleted").first().copied() {
        None | Some("") => false,
        Some(v) => parse_go_bool(v).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Invalid boolean value {v:?} for \"include_deleted\" query param."
            ))
            .validations(vec![Validation::new("deleted", "Must be a valid boolean")])
        })?,
    };
    let value = path.into_inner();
    let ws = state
        .db
        .read(move |conn| load_readable(conn, &caller.subject, &value))
        .await?;
    if ws.deleted && !include_deleted {
        return Err(gone(&ws));
    }
    Ok(crate::json::ok(&ws))
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

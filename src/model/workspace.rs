//! `codersdk.Workspace` and `codersdk.WorkspaceBuild`, without templates or provisioners:
//! every field Coder's clients read is present; what cannot exist here carries a neutral
//! value (nil UUIDs, empty strings, `null` times, empty lists). Builds complete at once, so
//! their job is always `succeeded`.

use super::NIL_UUID;
use serde::Serialize;
use serde_json::{json, Map, Value};

pub const TRANSITIONS: &[&str] = &["start", "stop", "delete"];

/// The workspace a build belongs to, as a build response needs it.
#[derive(Debug, Clone)]
pub struct BuildWorkspace {
    pub id: String,
    pub name: String,
    pub owner_id: String,
    pub owner_name: String,
    pub owner_avatar_url: String,
    pub organization_id: String,
}

/// One stored build with its initiator's username.
#[derive(Debug, Clone)]
pub struct BuildRow {
    pub id: String,
    pub build_number: i64,
    pub transition: String,
    pub initiator_id: String,
    pub initiator_name: String,
    pub reason: String,
    pub has_ai_task: bool,
    pub job_id: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `codersdk.WorkspaceBuild`.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceBuild {
    pub id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    pub workspace_id: String,
    pub workspace_name: String,
    pub workspace_owner_id: String,
    pub workspace_owner_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub workspace_owner_avatar_url: String,
    pub template_version_id: String,
    pub template_version_name: String,
    pub build_number: i64,
    pub transition: String,
    pub initiator_id: String,
    pub initiator_name: String,
    pub job: Value,
    pub reason: String,
    pub resources: Vec<Value>,
    pub deadline: Option<String>,
    pub max_deadline: Option<String>,
    pub status: &'static str,
    pub daily_cost: i64,
    pub template_version_preset_id: Option<String>,
    pub has_ai_task: bool,
    pub has_external_agent: bool,
}

/// `codersdk.WorkspaceBuild.status` of a completed build.
pub fn build_status(transition: &str) -> &'static str {
    match transition {
        "start" => "running",
        "stop" => "stopped",
        _ => "deleted",
    }
}

impl WorkspaceBuild {
    pub fn new(ws: &BuildWorkspace, b: &BuildRow) -> Self {
        let t = crate::timefmt::format_micros(b.created_at);
        let mut metadata = Map::new();
        metadata.insert("template_version_name".into(), json!(""));
        metadata.insert("template_id".into(), json!(NIL_UUID));
        metadata.insert("template_name".into(), json!(""));
        metadata.insert("template_display_name".into(), json!(""));
        metadata.insert("template_icon".into(), json!(""));
        metadata.insert("workspace_id".into(), json!(ws.id));
        metadata.insert("workspace_name".into(), json!(ws.name));
        metadata.insert("workspace_build_transition".into(), json!(b.transition));
        let job = json!({
            "id": b.job_id,
            "created_at": t,
            "started_at": t,
            "completed_at": t,
            "status": "succeeded",
            "file_id": NIL_UUID,
            "tags": {},
            "queue_position": 0,
            "queue_size": 0,
            "organization_id": ws.organization_id,
            "initiator_id": b.initiator_id,
            "input": {"workspace_build_id": b.id},
            "type": "workspace_build",
            "metadata": metadata,
            "logs_overflowed": false,
        });
        WorkspaceBuild {
            id: b.id.clone(),
            created_at: b.created_at,
            updated_at: b.updated_at,
            workspace_id: ws.id.clone(),
            workspace_name: ws.name.clone(),
            workspace_owner_id: ws.owner_id.clone(),
            workspace_owner_name: ws.owner_name.clone(),
            workspace_owner_avatar_url: ws.owner_avatar_url.clone(),
            template_version_id: NIL_UUID.to_string(),
            template_version_name: String::new(),
            build_number: b.build_number,
            transition: b.transition.clone(),
            initiator_id: b.initiator_id.clone(),
            initiator_name: b.initiator_name.clone(),
            job,
            reason: b.reason.clone(),
            resources: Vec::new(),
            deadline: None,
            max_deadline: None,
            status: build_status(&b.transition),
            daily_cost: 0,
            template_version_preset_id: None,
            has_ai_task: b.has_ai_task,
            has_external_agent: false,
        }
    }
}

/// `codersdk.WorkspaceHealth`.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceHealth {
    pub healthy: bool,
    pub failing_agents: Vec<String>,
}

/// `codersdk.Workspace`.
#[derive(Debug, Clone, Serialize)]
pub struct Workspace {
    pub id: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub updated_at: i64,
    pub owner_id: String,
    pub owner_name: String,
    pub owner_avatar_url: String,
    pub organization_id: String,
    pub organization_name: String,
    pub template_id: String,
    pub template_name: String,
    pub template_display_name: String,
    pub template_icon: String,
    pub template_allow_user_cancel_workspace_jobs: bool,
    pub template_active_version_id: String,
    pub template_require_active_version: bool,
    pub template_use_classic_parameter_flow: bool,
    pub latest_build: WorkspaceBuild,
    pub latest_app_status: Option<Value>,
    pub outdated: bool,
    pub name: String,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub last_used_at: i64,
    pub deleting_at: Option<String>,
    pub dormant_at: Option<String>,
    pub health: WorkspaceHealth,
    pub automatic_updates: &'static str,
    pub allow_renames: bool,
    pub favorite: bool,
    pub next_start_at: Option<String>,
    pub is_prebuild: bool,
    /// Not part of codersdk.Workspace: soft-deletion state, used internally.
    #[serde(skip)]
    pub deleted: bool,
}

/// `codersdk.WorkspacesResponse`.
#[derive(Debug, Serialize)]
pub struct WorkspacesResponse {
    pub workspaces: Vec<Workspace>,
    pub count: i64,
}

//! `POST /api/v2/connectionlog` (coderlite fixture, owner only): records connection events
//! as Coder's writers do (connection_log_input.rs), in one transaction with its one audit
//! row. Each event's organization, workspace owner and workspace name come from its
//! workspace. Bad input answers 400 with `validations` and writes nothing; an `id` that
//! names another connection's row answers 409.

use super::connection_log_input::{self, Event};
use super::input_fields::capped;
use crate::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::{ConnectionLog, ResourceType};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::store::connection_log_writes as writes;
use crate::store::sql::Tx;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Request body limit (10,000 events).
const BODY_LIMIT: usize = 16 * 1024 * 1024;

#[derive(Serialize)]
struct BatchResponse {
    connection_logs: Vec<ConnectionLog>,
    count: i64,
}

type Key = (Option<String>, String, String);

fn key(e: &Event) -> Key {
    (
        e.row.connection_id.clone(),
        e.row.workspace_id.clone(),
        e.row.agent_name.clone(),
    )
}

/// Fills each event's workspace facts and user, and checks ids; validations (400) or
/// conflicts (409) on failure.
fn resolve(conn: &Tx, events: &mut [Event]) -> ApiResult<()> {
    let mut errs = Vec::new();
    let mut conflicts = Vec::new();
    let mut workspaces = HashMap::new();
    let mut users: HashMap<String, Option<String>> = HashMap::new();
    let mut ids: HashMap<String, Key> = HashMap::new();
    for e in events.iter_mut() {
        let p = e.field_prefix.clone();
        let ws_id = e.row.workspace_id.clone();
        if !workspaces.contains_key(&ws_id) {
            let ws = store::workspaces::get(conn, &ws_id)?.filter(|w| !w.deleted);
            workspaces.insert(ws_id.clone(), ws);
        }
        match &workspaces[&ws_id] {
            Some(w) => {
                e.row.organization_id = w.organization_id.clone();
                e.row.workspace_owner_id = w.owner_id.clone();
                e.row.workspace_name = w.name.clone();
            }
            None => errs.push(Validation::new(
                format!("{p}workspace_id"),
                format!("workspace {ws_id} does not exist"),
            )),
        }
        if let Some(user) = &e.user {
            if !users.contains_key(user) {
                users.insert(user.clone(), store::users::resolve_id(conn, user)?);
            }
            match &users[user] {
                Some(id) => e.row.user_id = Some(id.clone()),
                None => errs.push(Validation::new(
                    format!("{p}user"),
                    format!("user {user:?} does not exist (expected a user id or username)"),
                )),
            }
        }
        let k = key(e);
        match ids.get(&e.row.id) {
            Some(seen) if e.row.connection_id.is_some() && *seen == k => {}
            Some(_) => errs.push(Validation::new(
                format!("{p}id"),
                "duplicate id within this request",
            )),
            None => {
                if let Some(stored) = writes::key_of(conn, &e.row.id)? {
                    if e.row.connection_id.is_none() || stored != k {
                        conflicts.push(Validation::new(
                            format!("{p}id"),
                            format!("connection log {} already exists", e.row.id),
                        ));
                    }
                }
                ids.insert(e.row.id.clone(), k);
            }
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::validation_failed(capped(errs)));
    }
    if !conflicts.is_empty() {
        return Err(
            ApiError::conflict("Connection log already exists.").validations(capped(conflicts))
        );
    }
    Ok(())
}

pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (body, rec) =
        super::fixture::owner_create(&caller, payload, BODY_LIMIT, ResourceType::WorkspaceAgent)
            .await?;
    let (rows, is_batch) = audit::audited(&state.db, meta, rec, move |tx, rec| {
        let parsed = connection_log_input::parse(&body)?;
        let mut events = parsed.events;
        resolve(tx, &mut events)?;
        let mut written = Vec::new();
        let mut seen = HashSet::new();
        for e in &events {
            let id = writes::upsert(tx, &e.row)?;
            if seen.insert(id.clone()) {
                written.push(id);
            }
        }
        let rows = store::connection_logs::by_ids(tx, &written)?;
        let workspaces: HashSet<&str> =
            events.iter().map(|e| e.row.workspace_id.as_str()).collect();
        match (parsed.is_batch, events.first()) {
            (false, Some(e)) => {
                rec.resource_id = written.first().cloned().unwrap_or_default();
                rec.resource_target = format!("{}.{}", e.row.workspace_name, e.row.agent_name);
                rec.organization_id = e.row.organization_id.clone();
            }
            _ => rec.resource_target = format!("{} connection events", events.len()),
        }
        rec.additional_fields = json!({
            "events": events.len().to_string(),
            "connection_logs": rows.len().to_string(),
            "workspaces": workspaces.len().to_string(),
        });
        Ok((rows, parsed.is_batch))
    })
    .await?;
    if is_batch {
        let count = rows.len() as i64;
        return Ok(crate::json::created(&BatchResponse {
            connection_logs: rows,
            count,
        }));
    }
    let one = rows
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("no connection log written"))?;
    Ok(crate::json::created(&one))
}

//! `POST /aibridge/interceptions` (coderlite extension, owner only): one interception or a
//! batch, with what each recorded, written in one transaction with its one `ai_seat` audit
//! row. Bad input answers 400 with `validations` and writes nothing; an id already taken
//! answers 409.

use super::interception_input::{self, Item};
use crate::audit::{self, AuditRecord};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::aibridge::{
    AIBridgeInterception, AIBridgeListInterceptionsResponse, AIBridgeToolUsage,
};
use crate::model::ResourceType;
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::store;
use crate::store::interception_usages::{self as usages, Child, NewToolUsage};
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use actix_web::{web, HttpResponse};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Request body limit (10,000 interceptions with metadata and usages).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Every child id of the request with its field path, per child table.
fn child_ids(items: &[Item]) -> Vec<(Child, String, String)> {
    let mut out = Vec::new();
    for item in items {
        let p = &item.field_prefix;
        let c = &item.children;
        for (j, t) in c.token_usages.iter().enumerate() {
            out.push((
                Child::TokenUsage,
                format!("{p}token_usages[{j}].id"),
                t.id.clone(),
            ));
        }
        for (j, u) in c.user_prompts.iter().enumerate() {
            out.push((
                Child::UserPrompt,
                format!("{p}user_prompts[{j}].id"),
                u.id.clone(),
            ));
        }
        for (j, t) in c.tool_usages.iter().enumerate() {
            out.push((
                Child::ToolUsage,
                format!("{p}tool_usages[{j}].id"),
                t.id.clone(),
            ));
        }
    }
    out
}

/// Checks the child ids are new: duplicates within the request are validations, ids
/// already stored conflicts (one statement per child table).
fn check_child_ids(
    conn: &Tx,
    items: &[Item],
    errs: &mut Vec<Validation>,
    conflicts: &mut Vec<Validation>,
) -> ApiResult<()> {
    let ids = child_ids(items);
    let mut seen = HashSet::new();
    for (child, field, id) in &ids {
        if !seen.insert((*child, id.clone())) {
            errs.push(Validation::new(
                field.clone(),
                "duplicate id within this request",
            ));
        }
    }
    for child in [Child::TokenUsage, Child::UserPrompt, Child::ToolUsage] {
        let of_kind: Vec<String> = ids
            .iter()
            .filter(|(c, _, _)| *c == child)
            .map(|(_, _, id)| id.clone())
            .collect();
        if of_kind.is_empty() {
            continue;
        }
        let taken: HashSet<String> = usages::existing_ids(conn, child, &of_kind)?
            .into_iter()
            .collect();
        for (c, field, id) in &ids {
            if *c == child && taken.contains(id) {
                conflicts.push(Validation::new(
                    field.clone(),
                    format!("{id} already exists"),
                ));
            }
        }
    }
    Ok(())
}

/// Resolves every item's initiator (id or username, non-deleted) and checks ids are new;
/// returns per-item validations on failure.
fn resolve_items(conn: &Tx, items: &mut [Item]) -> ApiResult<()> {
    let mut errs = Vec::new();
    let mut conflicts = Vec::new();
    let mut cache: HashMap<String, Option<String>> = HashMap::new();
    let mut seen = HashSet::new();
    for item in items.iter_mut() {
        let resolved = match cache.get(&item.initiator) {
            Some(r) => r.clone(),
            None => {
                let r = store::users::resolve_id(conn, &item.initiator)?;
                cache.insert(item.initiator.clone(), r.clone());
                r
            }
        };
        match resolved {
            Some(id) => item.row.initiator_id = id,
            None => errs.push(Validation::new(
                format!("{}initiator", item.field_prefix),
                format!(
                    "user {:?} does not exist (expected a user id or username)",
                    item.initiator
                ),
            )),
        }
        if !seen.insert(item.row.id.clone()) {
            errs.push(Validation::new(
                format!("{}id", item.field_prefix),
                "duplicate id within this request",
            ));
        } else if store::interceptions::exists(conn, &item.row.id, None)? {
            conflicts.push(Validation::new(
                format!("{}id", item.field_prefix),
                format!("interception {} already exists", item.row.id),
            ));
        }
    }
    let interception_conflicts = !conflicts.is_empty();
    check_child_ids(conn, items, &mut errs, &mut conflicts)?;
    if !errs.is_empty() {
        return Err(ApiError::validation_failed(super::input_fields::capped(
            errs,
        )));
    }
    if !conflicts.is_empty() {
        let message = if interception_conflicts {
            "Interception already exists."
        } else {
            "Usage already exists."
        };
        return Err(ApiError::conflict(message).validations(super::input_fields::capped(conflicts)));
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
        super::fixture::owner_create(&caller, payload, BODY_LIMIT, ResourceType::AiSeat).await?;
    let (created, is_batch) = audited_create(&state, meta, rec, body).await?;
    if is_batch {
        let count = created.len() as i64;
        Ok(crate::json::created(&AIBridgeListInterceptionsResponse {
            count,
            results: created,
        }))
    } else {
        let one = created
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("no interception created"))?;
        Ok(crate::json::created(&one))
    }
}

/// The tool usage as `GET /aibridge/interceptions` shows it.
fn shown_tool_usage(t: &NewToolUsage) -> AIBridgeToolUsage {
    AIBridgeToolUsage {
        id: t.id.clone(),
        interception_id: t.interception_id.clone(),
        provider_response_id: t.provider_response_id.clone(),
        server_url: t.server_url.clone().unwrap_or_default(),
        tool: t.tool.clone(),
        input: t.input.clone(),
        injected: t.injected,
        invocation_error: t.invocation_error.clone().unwrap_or_default(),
        metadata: crate::model::aibridge::metadata_value(Some(&t.metadata)),
        created_at: t.created_at,
    }
}

/// Writes one item (the interception first, so the session order sees its prompts).
fn insert_item(conn: &Tx, item: &Item) -> DbResult<()> {
    store::interceptions::insert(conn, &item.row)?;
    let c = &item.children;
    for t in &c.token_usages {
        usages::insert_token_usage(conn, t)?;
    }
    for p in &c.user_prompts {
        usages::insert_user_prompt(conn, p)?;
    }
    for t in &c.tool_usages {
        usages::insert_tool_usage(conn, t)?;
    }
    for t in &c.model_thoughts {
        usages::insert_model_thought(conn, t)?;
    }
    Ok(())
}

async fn audited_create(
    state: &AppState,
    meta: RequestMeta,
    rec: AuditRecord,
    body: Vec<u8>,
) -> ApiResult<(Vec<AIBridgeInterception>, bool)> {
    audit::audited(&state.db, meta, rec, move |tx, rec| {
        let parsed = interception_input::parse(&body)?;
        let mut items = parsed.items;
        resolve_items(tx, &mut items)?;
        let mut users = HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        let mut recorded = 0;
        for item in items {
            insert_item(tx, &item)?;
            recorded += item.children.count();
            if !users.contains_key(&item.row.initiator_id) {
                let u = store::interceptions::minimal_user(tx, &item.row.initiator_id)?
                    .ok_or_else(|| ApiError::internal("initiator vanished"))?;
                users.insert(item.row.initiator_id.clone(), u);
            }
            let r = item.row;
            let c = item.children;
            out.push(AIBridgeInterception {
                initiator: users[&r.initiator_id].clone(),
                metadata: crate::model::aibridge::metadata_value(r.metadata.as_deref()),
                tool_usages: c.tool_usages.iter().map(shown_tool_usage).collect(),
                token_usages: c.token_usages,
                user_prompts: c.user_prompts,
                id: r.id,
                api_key_id: r.api_key_id,
                provider: r.provider,
                provider_name: r.provider_name,
                model: r.model,
                client: r.client,
                started_at: r.started_at,
                ended_at: r.ended_at,
            });
        }
        if let [one] = out.as_slice() {
            if !parsed.is_batch {
                rec.resource_id = one.id.clone();
            }
        }
        rec.resource_target = if parsed.is_batch {
            format!("{} interceptions", out.len())
        } else {
            users
                .values()
                .next()
                .map(|u| u.username.clone())
                .unwrap_or_default()
        };
        rec.additional_fields = json!({
            "interceptions": out.len().to_string(),
            "initiators": users.len().to_string(),
            "usages": recorded.to_string(),
        });
        Ok((out, parsed.is_batch))
    })
    .await
}

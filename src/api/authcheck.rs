//! `POST /api/v2/authcheck` (Coder's `checkAuthorization`, which the dashboard calls at boot):
//! for each named check, whether the caller may do `action` on the object, answered from the
//! same RBAC rules the handlers enforce (`rbac::Subject::authorize`).

use crate::api::extract::Body;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::rbac::AuthObject;
use crate::state::AppState;
use crate::store;
use crate::store::sql::Tx;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/authcheck", web::post().to(check_authorization));
}

/// Coder looks at most this many objects up by `resource_id` per request.
const MAX_ID_FETCH: usize = 10;

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuthorizationRequest {
    checks: BTreeMap<String, AuthorizationCheck>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuthorizationCheck {
    object: AuthorizationObject,
    action: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuthorizationObject {
    resource_type: String,
    owner_id: String,
    organization_id: String,
    resource_id: String,
    any_org: bool,
}

async fn check_authorization(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<AuthorizationRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let fetches = req
        .checks
        .values()
        .filter(|c| !c.object.resource_id.is_empty())
        .count();
    if fetches > MAX_ID_FETCH {
        return Err(ApiError::bad_request(format!(
            "Endpoint only supports using \"resource_id\" field {MAX_ID_FETCH} times, found {fetches} usages. Remove {} objects with this field set.",
            fetches - MAX_ID_FETCH
        )));
    }
    let answers = state
        .db
        .read(move |conn| {
            let mut out = BTreeMap::new();
            for (key, check) in &req.checks {
                let o = &check.object;
                if o.resource_type.is_empty() {
                    return Err(ApiError::bad_request(format!(
                        "Object's \"resource_type\" field must be defined for key {key:?}."
                    )));
                }
                if o.any_org && !o.organization_id.is_empty() {
                    return Err(ApiError::bad_request(format!(
                        "Object {key:?} has both \"any_org\" and \"organization_id\" set. Only one can be set."
                    )));
                }
                let mut obj = AuthObject {
                    resource_type: o.resource_type.clone(),
                    owner_id: match o.owner_id.as_str() {
                        "" => None,
                        "me" => Some(caller.user_id().to_string()),
                        id => Some(id.to_string()),
                    },
                    org_id: (!o.organization_id.is_empty()).then(|| o.organization_id.clone()),
                    any_org: o.any_org,
                };
                if !o.resource_id.is_empty() {
                    resolve_resource(conn, &mut obj, &o.resource_id)?;
                }
                out.insert(key.clone(), caller.subject.authorize(&obj, &check.action));
            }
            Ok(out)
        })
        .await?;
    Ok(crate::json::ok(&answers))
}

/// Fills the owner and organization of the object named by `resource_id`, as Coder fetches
/// it (for the resource types coderlite stores).
fn resolve_resource(conn: &Tx, obj: &mut AuthObject, value: &str) -> ApiResult<()> {
    let id = crate::model::parse_uuid(value).ok_or_else(|| {
        ApiError::bad_request(format!("Object {value:?} id is not a valid uuid.")).validations(
            vec![Validation::new(
                "resource_id",
                format!("invalid UUID length: {}", value.len()),
            )],
        )
    })?;
    let not_found = || ApiError::bad_request(format!("Object {value:?} does not exist."));
    match obj.resource_type.as_str() {
        "workspace" => {
            let ws = store::workspaces::get(conn, &id)?.ok_or_else(not_found)?;
            obj.owner_id = Some(ws.owner_id);
            obj.org_id = Some(ws.organization_id);
        }
        "user" => {
            store::users::get_by_id(conn, &id)?.ok_or_else(not_found)?;
            obj.owner_id = Some(id);
        }
        "organization" => {
            store::orgs::resolve(conn, &id)?.ok_or_else(not_found)?;
            obj.org_id = Some(id);
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "Object type {other:?} does not support \"resource_id\" field."
            )))
        }
    }
    Ok(())
}

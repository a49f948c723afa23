//! The audit recorder. Every state change writes its row in the same transaction as the change
//! (`audited`), and a failed attempt by an authenticated caller is recorded afterwards with an
//! empty diff and the error's status code, as Coder does.

pub mod describe;
pub mod diff;
pub mod fields;
pub mod present;

use crate::db::Db;
use crate::error::ApiResult;
use crate::model::{AuditAction, ResourceType, NIL_UUID};
use crate::request_meta::RequestMeta;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use crate::store::sql::Value as SqlValue;
use serde_json::{Map, Value};

/// One audit row as a handler describes it; `time`, `id`, ip, user agent and request id are
/// filled in by the recorder.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// The actor; the nil UUID for coderlite itself.
    pub user_id: String,
    pub action: AuditAction,
    pub resource_type: ResourceType,
    pub resource_id: String,
    pub resource_target: String,
    pub organization_id: String,
    pub diff: Map<String, Value>,
    pub additional_fields: Value,
    pub resource_icon: String,
    pub build_reason: Option<String>,
    pub status_code: u16,
}

impl AuditRecord {
    pub fn new(user_id: &str, action: AuditAction, resource_type: ResourceType) -> Self {
        AuditRecord {
            user_id: user_id.to_string(),
            action,
            resource_type,
            resource_id: NIL_UUID.to_string(),
            resource_target: String::new(),
            organization_id: NIL_UUID.to_string(),
            diff: Map::new(),
            additional_fields: Value::Object(Map::new()),
            resource_icon: String::new(),
            build_reason: None,
            status_code: 200,
        }
    }

    pub fn resource(mut self, id: &str, target: &str) -> Self {
        self.resource_id = id.to_string();
        self.resource_target = target.to_string();
        self
    }

    pub fn org(mut self, organization_id: &str) -> Self {
        self.organization_id = organization_id.to_string();
        self
    }
}

/// Inserts one row, linked into the hash chain; returns its id. The single place audit rows are
/// written. Runs inside the writer's transaction, so reading the newest hash here is race-free.
pub fn insert(conn: &Tx, meta: &RequestMeta, rec: &AuditRecord) -> DbResult<String> {
    insert_at(conn, meta, rec, crate::timefmt::now_micros())
}

/// `insert` with an explicit time (test rows from `POST /audit/testgenerate`).
pub fn insert_at(conn: &Tx, meta: &RequestMeta, rec: &AuditRecord, now: i64) -> DbResult<String> {
    let id = crate::model::new_uuid();
    // PostgreSQL's text cannot hold U+0000: the record of (say) a refused request whose
    // target held one keeps U+FFFD there, hashed as stored, so the attempt is still recorded.
    let pg = conn.dialect() == crate::store::sql::Dialect::Postgres;
    let text = |s: &str| {
        SqlValue::Text(if pg && s.contains('\0') {
            s.replace('\0', "\u{FFFD}")
        } else {
            s.to_string()
        })
    };
    let opt = |s: &Option<String>| s.as_deref().map_or(SqlValue::Null, text);
    // In `store::audit_chain::COLUMNS` order; bound exactly as hashed.
    let values = [
        text(&id),
        SqlValue::Integer(now),
        text(&rec.user_id),
        text(&rec.organization_id),
        opt(&meta.ip),
        opt(&meta.user_agent),
        text(rec.resource_type.as_str()),
        text(&rec.resource_id),
        text(&rec.resource_target),
        text(rec.action.as_str()),
        SqlValue::Text(Value::Object(rec.diff.clone()).to_string()),
        SqlValue::Integer(i64::from(rec.status_code)),
        SqlValue::Text(rec.additional_fields.to_string()),
        text(&meta.request_id),
        text(&rec.resource_icon),
        opt(&rec.build_reason),
    ];
    crate::store::audit_chain::append(conn, values)?;
    Ok(id)
}

/// Runs a change and its audit row in one writer transaction. `f` fills in the record
/// (resource id, target, diff) as it learns them. When `f` fails with a status ≥ 400, the
/// change is rolled back and the attempt is recorded with an empty diff and that status.
pub async fn audited<T, F>(db: &Db, meta: RequestMeta, rec: AuditRecord, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Tx, &mut AuditRecord) -> ApiResult<T> + Send + 'static,
{
    let db = db.clone();
    actix_web::web::block(move || {
        let mut rec = rec;
        let result = db.write_blocking(|tx| {
            let out = f(tx, &mut rec)?;
            insert(tx, &meta, &rec)?;
            Ok(out)
        });
        if let Err(e) = &result {
            rec.status_code = e.status.as_u16();
            rec.diff = Map::new();
            if let Err(e2) = db.write_blocking(|tx| Ok(insert(tx, &meta, &rec)?)) {
                log::error!(
                    "could not record failed {} {}: {e2}",
                    rec.action,
                    rec.resource_type
                );
            }
        }
        result
    })
    .await?
}

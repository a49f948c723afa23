//! The audit rows of a stream (`api::row_stream`): keyset chunks of `audit_logs::page` in
//! `time DESC, seq DESC` order, presented as the API's `AuditLog`, and their CSV record.

use crate::api::row_stream::ChunkSource;
use crate::audit::present;
use crate::error::ApiResult;
use crate::model::query::AuditFilter;
use crate::model::AuditLog;
use crate::rbac::AuditScope;
use crate::store::audit_logs::{self, Cursor, PageSpec};
use crate::store::sql::Tx;

pub struct AuditChunks {
    pub filter: AuditFilter,
    pub scope: AuditScope,
    /// The next fetch: the first carries the caller's offset/cursor, later ones continue
    /// after the last row sent.
    pub next: PageSpec,
}

impl ChunkSource for AuditChunks {
    type Row = AuditLog;
    const PAGE_KEY: &'static str = "audit_logs";
    /// The API's fields, nested values as JSON text.
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "request_id",
        "time",
        "ip",
        "user_agent",
        "resource_type",
        "resource_id",
        "resource_target",
        "resource_icon",
        "action",
        "diff",
        "status_code",
        "additional_fields",
        "description",
        "resource_link",
        "is_deleted",
        "organization_id",
        "organization",
        "user",
    ];

    fn fetch(&mut self, conn: &Tx, want: i64) -> ApiResult<Vec<AuditLog>> {
        let spec = PageSpec {
            limit: want,
            ..self.next.clone()
        };
        let rows = audit_logs::page(conn, &self.filter, &self.scope, &spec)?;
        self.next = PageSpec {
            after: rows.last().map(|r| Cursor {
                time: r.time,
                seq: r.seq,
            }),
            offset: 0,
            ..spec
        };
        Ok(rows.into_iter().map(present::log).collect())
    }

    fn csv_record(log: &AuditLog) -> Vec<String> {
        let json = |v: &serde_json::Value| v.to_string();
        vec![
            log.id.clone(),
            log.request_id.clone(),
            crate::timefmt::format_micros(log.time),
            log.ip.clone(),
            log.user_agent.clone(),
            log.resource_type.clone(),
            log.resource_id.clone(),
            log.resource_target.clone(),
            log.resource_icon.clone(),
            log.action.clone(),
            json(&log.diff),
            log.status_code.to_string(),
            json(&log.additional_fields),
            log.description.clone(),
            log.resource_link.clone(),
            log.is_deleted.to_string(),
            log.organization_id.clone(),
            log.organization
                .as_ref()
                .and_then(|o| serde_json::to_string(o).ok())
                .unwrap_or_default(),
            log.user
                .as_ref()
                .and_then(|u| serde_json::to_string(u).ok())
                .unwrap_or_default(),
        ]
    }
}

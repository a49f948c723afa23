//! `GET /api/v2/audit/export?q=...&format=csv|ndjson` (coderlite only): every row matching
//! `q`, with the same permissions as `GET /audit`, streamed in constant memory from one
//! snapshot (`api::row_stream`). CSV columns are the API's fields, nested values as JSON text.

use super::stream::AuditChunks;
use super::{parse_filter, require_scope};
use crate::api::row_stream::{self, RowStream};
use crate::auth::Caller;
use crate::db::snapshot::Snapshot;
use crate::error::ApiResult;
use crate::search::query_string;
use crate::state::AppState;
use crate::store::audit_logs::PageSpec;
use actix_web::{web, HttpRequest, HttpResponse};

pub(super) async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let scope = require_scope(&caller)?;
    let pairs = query_string::pairs(&req)?;
    let encoding = row_stream::parse_format(&pairs)?;
    let q = query_string::q(&pairs).to_string();
    let db = state.db.clone();
    // Validate the query and open the snapshot before answering, so errors keep their status.
    let rows = web::block(move || -> ApiResult<RowStream<AuditChunks>> {
        let conn = db.reader_blocking()?;
        let filter = parse_filter(&conn.tx(), &caller, &q)?;
        let snapshot = Snapshot::begin(conn)?;
        let source = AuditChunks {
            filter,
            scope,
            next: PageSpec::default(),
        };
        Ok(RowStream::new(snapshot, source, encoding, None))
    })
    .await??;
    Ok(row_stream::export_response("audit-logs", rows))
}

//! `GET /api/v2/audit/export?q=...&format=csv|ndjson` (coderlite only): every row matching
//! `q`, with the same permissions as `GET /audit`, streamed in constant memory. Rows are read
//! in keyset chunks from one reader connection holding one snapshot (so the file is
//! consistent even while rows are written); each chunk is fetched on the blocking pool only
//! when the client has taken the previous one.

use super::{first_q, parse_filter, require_scope};
use crate::auth::Caller;
use crate::db::{Conn, Db};
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::AuditLog;
use crate::rbac::AuditScope;
use crate::search::audit::AuditFilter;
use crate::search::pagination::{query_pairs, query_values};
use crate::state::AppState;
use crate::store::audit_logs::{self, Cursor, PageSpec};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;

/// Rows per chunk (one SQL statement, one piece of the response body).
const CHUNK_ROWS: i64 = 1000;

/// CSV columns: the API's fields, nested values as JSON text.
const CSV_HEADER: &[&str] = &[
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
}

fn parse_format(pairs: &[(String, String)]) -> ApiResult<Format> {
    let values = query_values(pairs, "format");
    let bad = |detail: String| ApiError::invalid_query(vec![Validation::new("format", detail)]);
    match values.as_slice() {
        [] | [""] | ["csv"] => Ok(Format::Csv),
        ["ndjson"] => Ok(Format::Ndjson),
        [v] => Err(bad(format!(
            "Query param \"format\" has invalid value: {v:?} is not one of \"csv\", \"ndjson\""
        ))),
        many => Err(bad(format!(
            "Query param \"format\" provided more than once, found {} times. Only provide 1 instance of this query param.",
            many.len()
        ))),
    }
}

/// A reader connection inside a read transaction; rolled back when dropped, so a client that
/// disconnects mid-export never returns a connection with an open snapshot to the pool.
struct Snapshot(Conn);

impl Snapshot {
    fn begin(conn: Conn) -> ApiResult<Snapshot> {
        conn.execute_batch("BEGIN")?;
        Ok(Snapshot(conn))
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

struct ExportState {
    snapshot: Option<Snapshot>,
    filter: AuditFilter,
    scope: AuditScope,
    format: Format,
    cursor: Option<Cursor>,
    header_done: bool,
    done: bool,
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

fn encode(rows: &[AuditLog], format: Format, header: bool) -> ApiResult<Vec<u8>> {
    match format {
        Format::Ndjson => {
            let mut out = Vec::with_capacity(rows.len() * 1024);
            for r in rows {
                out.extend_from_slice(crate::json::to_coder_json(r).as_bytes());
            }
            Ok(out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 768));
            let csv_err = |e: csv::Error| ApiError::internal(format!("csv: {e}"));
            if header {
                w.write_record(CSV_HEADER).map_err(csv_err)?;
            }
            for r in rows {
                w.write_record(csv_record(r)).map_err(csv_err)?;
            }
            w.into_inner()
                .map_err(|e| ApiError::internal(format!("csv: {e}")))
        }
    }
}

/// Fetches and encodes the next chunk (on a blocking thread). Returns None when done.
fn next_chunk(st: &mut ExportState) -> ApiResult<Option<Vec<u8>>> {
    if st.done {
        return Ok(None);
    }
    let Some(snapshot) = st.snapshot.as_ref() else {
        return Ok(None);
    };
    let spec = PageSpec {
        after: st.cursor.clone(),
        limit: CHUNK_ROWS,
        offset: 0,
        sort_ok: false,
    };
    let rows = audit_logs::page(&snapshot.0, &st.filter, &st.scope, &spec)?;
    if (rows.len() as i64) < CHUNK_ROWS {
        st.done = true;
        st.snapshot = None; // end the read transaction now
    }
    if let Some(last) = rows.last() {
        st.cursor = Some(Cursor {
            time: last.time,
            id: last.id.clone(),
        });
    }
    let header = !st.header_done && st.format == Format::Csv;
    st.header_done = true;
    if rows.is_empty() && !header {
        return Ok(None);
    }
    Ok(Some(encode(&rows, st.format, header)?))
}

pub(super) async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let scope = require_scope(&caller)?;
    let pairs = query_pairs(req.query_string())?;
    let format = parse_format(&pairs)?;
    let q = first_q(&pairs);
    let db: Db = state.db.clone();
    // Validate the query and open the snapshot before answering, so errors keep their status.
    let st = web::block(move || -> ApiResult<ExportState> {
        let conn = db.reader_blocking()?;
        let filter = parse_filter(&conn, &caller, &q)?;
        Ok(ExportState {
            snapshot: Some(Snapshot::begin(conn)?),
            filter,
            scope,
            format,
            cursor: None,
            header_done: false,
            done: false,
        })
    })
    .await??;
    let body = futures_util::stream::unfold(Some(st), |st| async move {
        let mut st = st?;
        let result = web::block(move || {
            let r = next_chunk(&mut st);
            (st, r)
        })
        .await;
        match result {
            Ok((st, Ok(Some(bytes)))) => {
                Some((Ok::<_, std::io::Error>(Bytes::from(bytes)), Some(st)))
            }
            Ok((_, Ok(None))) => None,
            Ok((_, Err(e))) => {
                log::error!("audit export aborted: {e}");
                Some((Err(std::io::Error::other(e.to_string())), None))
            }
            Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
        }
    });
    let (ext, content_type) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Ndjson => ("ndjson", "application/x-ndjson"),
    };
    let t = time::OffsetDateTime::now_utc();
    let filename = format!(
        "audit-logs-{:04}{:02}{:02}T{:02}{:02}{:02}Z.{ext}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

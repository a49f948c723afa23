//! `GET /api/v2/connectionlog` as Coder serves it, its export and the fixture writer:
//!
//! * `q` as Coder's `searchquery.ConnectionLogs` (search::connection_logs); rows in
//!   `connect_time DESC, seq DESC` order (Coder sets no tie-breaker);
//! * `count` is exact with `count_cap` 0, unless `--connection-log-count-cap N` asks for
//!   Coder's capped count (at most N+1, `count_cap: N`; Coder's cap is 2000); page and count
//!   are read in one snapshot;
//! * `after_id` is a keyset cursor (Coder parses and ignores it); a `limit` above 1,000 rows
//!   is streamed in chunks from one snapshot;
//! * owner and auditor read every row; every other caller gets an empty page, as Coder.
//!
//! `GET /api/v2/connectionlog/export?format=csv|ndjson` (coderlite only) streams every
//! matching row; `POST /api/v2/connectionlog` (connection_log_create.rs) records events.

use crate::api::row_stream::{self, ChunkSource, Encoding, RowStream, CHUNK_ROWS};
use crate::auth::Caller;
use crate::db::snapshot::Snapshot;
use crate::error::ApiResult;
use crate::model::query::ConnectionLogFilter;
use crate::model::{ConnectionLog, ConnectionLogResponse};
use crate::rbac::AuditScope;
use crate::search::{pagination, query_string};
use crate::state::AppState;
use crate::store::connection_logs::{self, Cursor, PageSpec};
use crate::store::sql::Tx;
use actix_web::{web, HttpRequest, HttpResponse};

/// Page size when `limit` is absent or 0 (Coder's SQL default).
const DEFAULT_LIMIT: i64 = 100;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/connectionlog", web::get().to(list))
        .route(
            "/connectionlog",
            web::post().to(super::connection_log_create::create),
        )
        .route("/connectionlog/export", web::get().to(export));
}

/// Parses `q` (organization names resolved among those the caller may read).
fn parse_filter(conn: &Tx, caller: &Caller, q: &str) -> ApiResult<ConnectionLogFilter> {
    super::params::with_org_names(conn, caller, |orgs| {
        crate::search::connection_logs::parse(q, caller.user_id(), orgs)
    })
}

/// The cursor for `after_id`, or 400 when it names no row the caller can see.
fn resolve_cursor(
    conn: &Tx,
    after_id: Option<&str>,
    scope: &AuditScope,
) -> ApiResult<Option<Cursor>> {
    pagination::resolve_after(after_id, "connection log", |id| {
        connection_logs::cursor(conn, id, scope)
    })
}

/// Connection-log rows in keyset chunks, for exports and large pages.
pub struct ConnectionLogChunks {
    filter: ConnectionLogFilter,
    scope: AuditScope,
    next: PageSpec,
}

impl ChunkSource for ConnectionLogChunks {
    type Row = ConnectionLog;
    const PAGE_KEY: &'static str = "connection_logs";
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "connect_time",
        "organization_id",
        "organization_name",
        "workspace_owner_id",
        "workspace_owner_username",
        "workspace_id",
        "workspace_name",
        "agent_name",
        "ip",
        "type",
        "web_info",
        "ssh_info",
    ];

    fn fetch(&mut self, conn: &Tx, want: i64) -> ApiResult<Vec<ConnectionLog>> {
        let spec = PageSpec {
            limit: want,
            ..self.next.clone()
        };
        let rows = connection_logs::page(conn, &self.filter, &self.scope, &spec)?;
        self.next = PageSpec {
            after: rows.last().map(|(seq, r)| Cursor {
                connect_time: r.connect_time,
                seq: *seq,
            }),
            offset: 0,
            ..spec
        };
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }

    fn csv_record(log: &ConnectionLog) -> Vec<String> {
        let json = |v: Option<String>| v.unwrap_or_default();
        vec![
            log.id.clone(),
            crate::timefmt::format_micros(log.connect_time),
            log.organization.id.clone(),
            log.organization.name.clone(),
            log.workspace_owner_id.clone(),
            log.workspace_owner_username.clone(),
            log.workspace_id.clone(),
            log.workspace_name.clone(),
            log.agent_name.clone(),
            log.ip.clone().unwrap_or_default(),
            log.kind.clone(),
            json(
                log.web_info
                    .as_ref()
                    .and_then(|w| serde_json::to_string(w).ok()),
            ),
            json(
                log.ssh_info
                    .as_ref()
                    .and_then(|s| serde_json::to_string(s).ok()),
            ),
        ]
    }
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    let q = query_string::q(&pairs).to_string();
    let scope = caller.subject.connection_log_scope();
    let cap = state.config.connection_log_count_cap.max(0);
    let limit = if page.limit == 0 {
        DEFAULT_LIMIT
    } else {
        page.limit
    };
    let db = state.db.clone();
    let prepared = web::block(
        move || -> ApiResult<Result<RowStream<ConnectionLogChunks>, ConnectionLogResponse>> {
            let conn = db.reader_blocking()?;
            let filter = parse_filter(&conn.tx(), &caller, &q)?;
            // One snapshot for the cursor, the count and the page.
            let snapshot = Snapshot::begin(conn)?;
            let tx = &snapshot.tx();
            let cursor = resolve_cursor(tx, page.after_id.as_deref(), &scope)?;
            let count = connection_logs::count(tx, &filter, &scope, cap)?;
            let mut spec = PageSpec {
                after: cursor,
                limit,
                offset: page.offset,
            };
            if count == 0 || limit <= CHUNK_ROWS {
                let connection_logs = if count == 0 {
                    Vec::new()
                } else {
                    connection_logs::page(tx, &filter, &scope, &spec)?
                        .into_iter()
                        .map(|(_, r)| r)
                        .collect()
                };
                return Ok(Err(ConnectionLogResponse {
                    connection_logs,
                    count,
                    count_cap: cap,
                }));
            }
            spec.limit = 0;
            let source = ConnectionLogChunks {
                filter,
                scope,
                next: spec,
            };
            let encoding = Encoding::Page {
                count,
                count_cap: cap,
            };
            Ok(Ok(RowStream::new(snapshot, source, encoding, Some(limit))))
        },
    )
    .await??;
    match prepared {
        Err(page) => Ok(crate::json::ok(&page)),
        Ok(rows) => Ok(row_stream::page_response(rows)),
    }
}

async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let encoding = row_stream::parse_format(&pairs)?;
    let q = query_string::q(&pairs).to_string();
    let scope = caller.subject.connection_log_scope();
    let db = state.db.clone();
    // Validate the query and open the snapshot before answering, so errors keep their status.
    let rows = web::block(move || -> ApiResult<RowStream<ConnectionLogChunks>> {
        let conn = db.reader_blocking()?;
        let filter = parse_filter(&conn.tx(), &caller, &q)?;
        let snapshot = Snapshot::begin(conn)?;
        let source = ConnectionLogChunks {
            filter,
            scope,
            next: PageSpec::default(),
        };
        Ok(RowStream::new(snapshot, source, encoding, None))
    })
    .await??;
    Ok(row_stream::export_response("connection-logs", rows))
}

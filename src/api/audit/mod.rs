//! `GET /api/v2/audit` as Coder serves it, plus coderlite's improvements:
//!
//! * rows come in `time DESC, seq DESC` order (`seq`: insertion order), so pages are stable
//!   when times tie;
//! * `after_id` is a keyset cursor: the page holds the rows strictly after that row in this
//!   order (Coder parses and ignores it). An `after_id` that names no row the caller can see
//!   answers 400;
//! * `count` is exact and `count_cap` is 0, unless `--audit-count-cap N` asks for Coder's
//!   capped count (at most N+1, `count_cap: N`); the page and the count are read in one
//!   snapshot;
//! * `email:` and `resource_target:` match case-insensitively (Coder lower-cases the query and
//!   so misses stored capitals); `date_to:` covers its whole day (Coder stops at 23:59:59);
//! * a `limit` above 1,000 rows is answered as a stream of chunks from one snapshot (Coder
//!   has no maximum `limit`; coderlite never builds such a page in memory);
//! * each row's user, organization, `has_ai_seat`, `is_deleted` and `resource_link` come from
//!   the page's single SQL statement; `has_ai_seat` is filled (Coder always sends false) and
//!   `is_service_account` is the user's real value.
//!
//! Also `POST /api/v2/audit/testgenerate` (testgen.rs) and `GET /api/v2/audit/export`
//! (export.rs).

mod export;
mod stream;
mod testgen;

use crate::api::row_stream::{self, Encoding, RowStream};
use crate::audit::present;
use crate::auth::Caller;
use crate::db::snapshot::Snapshot;
use crate::error::{ApiError, ApiResult};
use crate::model::query::AuditFilter;
use crate::model::AuditLogResponse;
use crate::rbac::AuditScope;
use crate::search::pagination;
use crate::search::query_string;
use crate::state::AppState;
use crate::store::audit_logs::{self, Cursor, PageSpec};
use crate::store::sql::Tx;
use actix_web::{web, HttpRequest, HttpResponse};
use stream::AuditChunks;

/// Page size when `limit` is absent or 0.
const DEFAULT_LIMIT: i64 = 100;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(list))
        .route("/audit/export", web::get().to(export::export))
        .route("/audit/testgenerate", web::post().to(testgen::generate));
}

/// The caller's audit scope; 403 when it may read no audit rows at all.
pub(crate) fn require_scope(caller: &Caller) -> ApiResult<AuditScope> {
    match caller.subject.audit_scope() {
        AuditScope::None => Err(ApiError::forbidden()),
        scope => Ok(scope),
    }
}

/// Parses `q` (organization names resolved among those the caller may read).
pub(crate) fn parse_filter(conn: &Tx, caller: &Caller, q: &str) -> ApiResult<AuditFilter> {
    crate::api::params::with_org_names(conn, caller, |orgs| {
        crate::search::audit::parse(q, caller.user_id(), orgs)
    })
}

/// The cursor for `after_id`, or 400 when it names no row the caller can see.
fn resolve_cursor(
    conn: &Tx,
    after_id: Option<&str>,
    scope: &AuditScope,
) -> ApiResult<Option<Cursor>> {
    pagination::resolve_after(after_id, "audit log", |id| {
        audit_logs::cursor(conn, id, scope)
    })
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let scope = require_scope(&caller)?;
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    let q = query_string::q(&pairs).to_string();
    let cap = state.config.audit_count_cap.max(0);
    let limit = if page.limit == 0 {
        DEFAULT_LIMIT
    } else {
        page.limit
    };
    if limit > row_stream::CHUNK_ROWS {
        return list_streamed(&state, caller, scope, q, page, limit, cap).await;
    }
    let response = state
        .db
        .read(move |conn| {
            let filter = parse_filter(conn, &caller, &q)?;
            // One snapshot for the cursor, the count and the page.
            crate::store::in_savepoint_with(conn, "audit_page", || {
                let cursor = resolve_cursor(conn, page.after_id.as_deref(), &scope)?;
                let count = audit_logs::count(conn, &filter, &scope, cap)?;
                let audit_logs = if count == 0 {
                    Vec::new()
                } else {
                    let spec = PageSpec {
                        after: cursor,
                        limit,
                        offset: page.offset,
                        sort_ok: count <= audit_logs::SORT_LIMIT,
                    };
                    audit_logs::page(conn, &filter, &scope, &spec)?
                        .into_iter()
                        .map(present::log)
                        .collect()
                };
                Ok(AuditLogResponse {
                    audit_logs,
                    count,
                    count_cap: cap,
                })
            })
        })
        .await?;
    Ok(crate::json::ok(&response))
}

/// A page larger than one chunk (Coder sets no maximum `limit`): the same response, written
/// in chunks from one snapshot so a huge `limit` never builds the whole page in memory.
async fn list_streamed(
    state: &AppState,
    caller: Caller,
    scope: AuditScope,
    q: String,
    page: crate::model::query::Pagination,
    limit: i64,
    cap: i64,
) -> ApiResult<HttpResponse> {
    let db = state.db.clone();
    let prepared = web::block(
        move || -> ApiResult<Result<RowStream<AuditChunks>, AuditLogResponse>> {
            let conn = db.reader_blocking()?;
            let filter = parse_filter(&conn.tx(), &caller, &q)?;
            let snapshot = Snapshot::begin(conn)?;
            let cursor = resolve_cursor(&snapshot.tx(), page.after_id.as_deref(), &scope)?;
            let count = audit_logs::count(&snapshot.tx(), &filter, &scope, cap)?;
            if count == 0 {
                return Ok(Err(AuditLogResponse {
                    audit_logs: Vec::new(),
                    count,
                    count_cap: cap,
                }));
            }
            let source = AuditChunks {
                filter,
                scope,
                next: PageSpec {
                    after: cursor,
                    limit: 0,
                    offset: page.offset,
                    sort_ok: count <= audit_logs::SORT_LIMIT,
                },
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
        Err(empty) => Ok(crate::json::ok(&empty)),
        Ok(rows) => Ok(row_stream::page_response(rows)),
    }
}

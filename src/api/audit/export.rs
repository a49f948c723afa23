//! `GET /api/v2/audit/export?q=...&format=csv|ndjson` (coderlite only): every row matching
//! `q`, with the same permissions as `GET /audit`, streamed in constant memory from one
//! snapshot (stream.rs). CSV columns are the API's fields, nested values as JSON text.

use super::stream::{self, Encoding, RowStream};
use super::{parse_filter, require_scope};
use crate::auth::Caller;
use crate::db::snapshot::Snapshot;
use crate::error::{ApiError, ApiResult, Validation};
use crate::search::pagination::query_values;
use crate::search::query_string;
use crate::state::AppState;
use crate::store::audit_logs::PageSpec;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

fn parse_format(pairs: &[(String, String)]) -> ApiResult<Encoding> {
    let values = query_values(pairs, "format");
    let bad = |detail: String| ApiError::invalid_query(vec![Validation::new("format", detail)]);
    match values.as_slice() {
        [] | [""] | ["csv"] => Ok(Encoding::Csv),
        ["ndjson"] => Ok(Encoding::Ndjson),
        [v] => Err(bad(format!(
            "Query param \"format\" has invalid value: {v:?} is not one of \"csv\", \"ndjson\""
        ))),
        many => Err(bad(format!(
            "Query param \"format\" provided more than once, found {} times. Only provide 1 instance of this query param.",
            many.len()
        ))),
    }
}

pub(super) async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let scope = require_scope(&caller)?;
    let pairs = query_string::pairs(&req)?;
    let encoding = parse_format(&pairs)?;
    let q = query_string::q(&pairs).to_string();
    let db = state.db.clone();
    // Validate the query and open the snapshot before answering, so errors keep their status.
    let rows = web::block(move || -> ApiResult<RowStream> {
        let conn = db.reader_blocking()?;
        let filter = parse_filter(&conn, &caller, &q)?;
        let snapshot = Snapshot::begin(conn)?;
        Ok(RowStream::new(
            snapshot,
            filter,
            scope,
            encoding,
            PageSpec::default(),
            None,
        ))
    })
    .await??;
    let (ext, content_type) = match encoding {
        Encoding::Ndjson => ("ndjson", "application/x-ndjson"),
        _ => ("csv", "text/csv; charset=utf-8"),
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
        .streaming(stream::body(rows)))
}

//! coderlite's seat report (Coder has none): `GET /api/v2/coderlite/seats` (one page as JSON,
//! with the `ai_governance_user_limit` numbers) and `GET /api/v2/coderlite/seats/export`
//! (every matching row as CSV). Owner and auditor only. Query: `q` (see
//! `search::seat_report`), `sort`, `order`, `limit` (default 25, at most 1000), `offset`.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Validation};
use crate::model::seat_report::{SeatFilter, SeatReportResponse, SeatReportRow, SeatSort};
use crate::search::pagination::{self, query_values};
use crate::search::query_string;
use crate::state::AppState;
use crate::store;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

const DEFAULT_LIMIT: i64 = 25;
const MAX_LIMIT: i64 = 1000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/coderlite/seats", web::get().to(list))
        .route("/coderlite/seats/export", web::get().to(export));
}

fn one<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query_values(pairs, key).first().copied()
}

/// Permission, `q`, `sort` and `order`.
fn parse(caller: &Caller, pairs: &[(String, String)]) -> ApiResult<(SeatFilter, SeatSort)> {
    if !caller.subject.can_read_seat_report() {
        return Err(ApiError::forbidden());
    }
    let filter = crate::search::seat_report::parse(query_string::q(pairs))?;
    let sort = crate::search::seat_report::parse_sort(one(pairs, "sort"), one(pairs, "order"))?;
    Ok((filter, sort))
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let (filter, sort) = parse(&caller, &pairs)?;
    let page = pagination::parse(&pairs)?;
    let limit = pagination::bounded_limit(page.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let seat_limit = state.config.ai_seat_limit.max(0);
    let offset = page.offset;
    let resp = state
        .db
        .read(move |conn| {
            // One snapshot: the rows, the count and the seat number agree.
            let ((users, count), active_seats) = store::in_savepoint(conn, "seat_report", || {
                Ok((
                    store::seat_report::page(conn, &filter, sort, limit, offset)?,
                    store::ai_seats::active_seat_count(conn)?,
                ))
            })?;
            Ok(SeatReportResponse {
                count,
                limit: (seat_limit > 0).then_some(seat_limit),
                active_seats,
                warning: super::entitlements::ai_seat_warning(active_seats, seat_limit),
                users,
            })
        })
        .await?;
    Ok(crate::json::ok(&resp))
}

pub const CSV_HEADER: &[&str] = &[
    "user_id",
    "username",
    "name",
    "email",
    "status",
    "has_seat",
    "sources",
    "first_used_at",
    "last_used_at",
    "ai_gateway_first_used_at",
    "ai_gateway_last_used_at",
    "ai_task_first_used_at",
    "ai_task_last_used_at",
];

fn csv_record(r: &SeatReportRow) -> Vec<String> {
    let t = |v: Option<i64>| v.map(crate::timefmt::format_micros).unwrap_or_default();
    vec![
        r.user_id.clone(),
        r.username.clone(),
        r.name.clone(),
        r.email.clone(),
        r.status.clone(),
        r.has_seat.to_string(),
        r.sources.join(" "),
        t(r.first_used_at),
        t(r.last_used_at),
        t(r.ai_gateway_first_used_at),
        t(r.ai_gateway_last_used_at),
        t(r.ai_task_first_used_at),
        t(r.ai_task_last_used_at),
    ]
}

fn to_csv(rows: &[SeatReportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for r in rows {
        w.write_record(csv_record(r))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Every matching row, same `q`/`sort`/`order` as the page, as one CSV body.
async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let (filter, sort) = parse(&caller, &pairs)?;
    match one(&pairs, "format").unwrap_or("csv") {
        "" | "csv" => {}
        other => {
            return Err(crate::search::seat_report::invalid(vec![Validation::new(
                "format",
                format!("Query param \"format\" must be one of [csv], got {other:?}"),
            )]))
        }
    }
    let rows = state
        .db
        .read(move |conn| Ok(store::seat_report::page(conn, &filter, sort, 0, 0)?.0))
        .await?;
    let body = to_csv(&rows).map_err(|e| ApiError::internal(format!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"seat-report.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

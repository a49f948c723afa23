//! The seat report: one row per live, non-system user with their seat sources and first/last
//! use, in one statement per page. Sources are `ai_seats::{gateway,task}_source_sql`, the very
//! fragments `has_ai_seat_sql` tests with EXISTS, so report and `has_ai_seat` cannot disagree:
//! min/max over a source are non-NULL exactly when the source has a row. Each min/max is an
//! index look-up (`aibridge_interceptions_initiator (initiator_id, started_at)`,
//! `workspaces_owner_name_live`, the partial `workspace_builds_ai_task`).

use super::ai_seats::{gateway_source_sql, has_ai_seat_filter_sql, task_source_sql};
use super::{contains_sql, Params};
use crate::model::seat_report::{
    SeatFilter, SeatReportRow, SeatSort, SeatSortKey, SOURCE_AI_GATEWAY, SOURCE_AI_TASK,
};
use crate::store::sql::Tx;
use crate::store::sql::{DbResult, Row};

/// Users of the report, before the seat columns exist (alias `u`).
const USERS: &str = "u.deleted = 0 AND u.is_system = 0";

/// The WHERE of both statements: user filters, and seat filters as EXISTS over the sources.
fn where_sql(f: &SeatFilter, p: &mut Params) -> String {
    let mut wh = vec![USERS.to_string()];
    if let Some(s) = &f.search {
        wh.push(format!(
            "({} OR {})",
            contains_sql("u.username", s, false, p),
            contains_sql("u.email", s, false, p)
        ));
    }
    if !f.status.is_empty() {
        wh.push(format!("u.status IN {}", p.push_list(&f.status)));
    }
    match f.has_seat {
        Some(true) => wh.push(format!("{} = 1", has_ai_seat_filter_sql("u.id"))),
        Some(false) => wh.push(format!("{} = 0", has_ai_seat_filter_sql("u.id"))),
        None => {}
    }
    match f.source.as_deref() {
        Some(SOURCE_AI_GATEWAY) => {
            wh.push(format!("EXISTS (SELECT 1 {})", gateway_source_sql("u.id")))
        }
        Some(SOURCE_AI_TASK) => wh.push(format!("EXISTS (SELECT 1 {})", task_source_sql("u.id"))),
        _ => {}
    }
    wh.join(" AND ")
}

fn inner_sql(f: &SeatFilter, p: &mut Params) -> String {
    format!(
        "SELECT u.id, u.username, u.name, u.email, u.status, \
         (SELECT min(ai.started_at) {g}) AS gw_first, (SELECT max(ai.started_at) {g}) AS gw_last, \
         (SELECT min(ab.created_at) {t}) AS task_first, (SELECT max(ab.created_at) {t}) AS task_last \
         FROM users u WHERE {w}",
        g = gateway_source_sql("u.id"),
        t = task_source_sql("u.id"),
        w = where_sql(f, p)
    )
}

fn order_sql(s: SeatSort) -> String {
    let dir = if s.desc { "DESC" } else { "ASC" };
    match s.key {
        SeatSortKey::Username => format!("lower(username) {dir}, id {dir}"),
        // Users without use sort last in either direction.
        SeatSortKey::FirstUsed => {
            format!("first_used IS NULL, first_used {dir}, lower(username), id")
        }
        SeatSortKey::LastUsed => format!("last_used IS NULL, last_used {dir}, lower(username), id"),
    }
}

fn report_sql(f: &SeatFilter, s: SeatSort, p: &mut Params) -> String {
    format!(
        "SELECT id, username, name, email, status, gw_first, gw_last, task_first, task_last \
         FROM (SELECT *, \
           CASE WHEN gw_first IS NULL THEN task_first WHEN task_first IS NULL THEN gw_first \
                ELSE min(gw_first, task_first) END AS first_used, \
           CASE WHEN gw_last IS NULL THEN task_last WHEN task_last IS NULL THEN gw_last \
                ELSE max(gw_last, task_last) END AS last_used \
         FROM ({inner}) seats) used ORDER BY {order}",
        inner = inner_sql(f, p),
        order = order_sql(s)
    )
}

fn from_row(r: &Row) -> DbResult<SeatReportRow> {
    let gw: (Option<i64>, Option<i64>) = (r.get(5)?, r.get(6)?);
    let task: (Option<i64>, Option<i64>) = (r.get(7)?, r.get(8)?);
    let mut sources = Vec::new();
    if gw.0.is_some() {
        sources.push(SOURCE_AI_GATEWAY);
    }
    if task.0.is_some() {
        sources.push(SOURCE_AI_TASK);
    }
    let pick = |a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64| match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    };
    Ok(SeatReportRow {
        user_id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        status: r.get(4)?,
        has_seat: !sources.is_empty(),
        sources,
        first_used_at: pick(gw.0, task.0, i64::min),
        last_used_at: pick(gw.1, task.1, i64::max),
        ai_gateway_first_used_at: gw.0,
        ai_gateway_last_used_at: gw.1,
        ai_task_first_used_at: task.0,
        ai_task_last_used_at: task.1,
    })
}

/// One page (`limit` 0 = all rows) and the filtered total: two statements. The page's
/// correlated min/max run only for the rows it returns when the order is the username index
/// (a window count would compute them for every user: 110 ms instead of 0.4 ms on 10k
/// users); the count tests the seat filters with EXISTS only.
pub fn page(
    conn: &Tx,
    f: &SeatFilter,
    sort: SeatSort,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<SeatReportRow>, i64)> {
    let mut p = Params::default();
    let mut sql = report_sql(f, sort, &mut p);
    let lim = if limit > 0 { limit } else { i64::MAX }; // none: the largest
    sql.push_str(&format!(
        " LIMIT {} OFFSET {}",
        p.push(lim),
        p.push(offset.max(0))
    ));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(p.as_params(), from_row)?
        .collect::<DbResult<Vec<_>>>()?;
    let total = if limit <= 0 && offset <= 0 {
        rows.len() as i64
    } else {
        count(conn, f)?
    };
    Ok((rows, total))
}

/// The filtered total.
pub fn count(conn: &Tx, f: &SeatFilter) -> DbResult<i64> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT count(*) FROM users u WHERE {}",
        where_sql(f, &mut p)
    );
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every source min/max is an index look-up, never a scan of the source tables.
    #[test]
    fn report_uses_indexes() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        crate::db::migrate::migrate(&mut conn).expect("schema");
        let f = SeatFilter {
            has_seat: Some(true),
            search: Some("a".into()),
            ..Default::default()
        };
        let mut p = Params::default();
        let sql = report_sql(
            &f,
            SeatSort {
                key: SeatSortKey::LastUsed,
                desc: true,
            },
            &mut p,
        );
        let tx = Tx::sqlite(&conn);
        let mut stmt = tx
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("explain");
        let steps: Vec<String> = stmt
            .query_map(p.as_params(), |r| r.get::<String>(3))
            .expect("rows")
            .collect::<DbResult<_>>()
            .expect("plan");
        let text = steps.join("\n");
        for alias in ["ai", "aw", "ab"] {
            assert!(
                !steps
                    .iter()
                    .any(|s| s.starts_with(&format!("SCAN {alias}"))),
                "{alias} scanned:\n{text}"
            );
        }
        assert!(text.contains("aibridge_interceptions_initiator"), "{text}");
        assert!(text.contains("workspaces_owner_name_live"), "{text}");
        assert!(text.contains("workspace_builds_ai_task"), "{text}");
    }
}

//! Exact connection-log counts for filters of organization, type, status and time only, from
//! the trigger-kept `connection_log_day_counts` (see migration 0007): whole UTC days from the
//! counters, the part-days at either end of a time range through the `(connect_time,
//! organization_id, type, state)` index. A count over a million rows stays well under a
//! millisecond instead of stepping through every matching index entry.

use super::connection_log_filter::where_terms;
use super::Params;
use crate::model::query::ConnectionLogFilter;
use crate::rbac::AuditScope;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use crate::timefmt::DAY_MICROS;

/// Counts `[lo, hi)` (None = unbounded) of `f`'s dimensions from the counters: `lo` and `hi`
/// must be UTC midnights.
fn counted_days(
    conn: &Tx,
    f: &ConnectionLogFilter,
    scope: &AuditScope,
    lo: Option<i64>,
    hi: Option<i64>,
) -> DbResult<i64> {
    let mut p = Params::default();
    let Some(mut w) = where_terms(f, scope, false, &mut p) else {
        return Ok(0);
    };
    if let Some(lo) = lo {
        w.push(format!("c.day >= {}", p.push(lo.div_euclid(DAY_MICROS))));
    }
    if let Some(hi) = hi {
        w.push(format!("c.day < {}", p.push(hi.div_euclid(DAY_MICROS))));
    }
    let sql = format!(
        "SELECT COALESCE(sum(c.n), 0) FROM connection_log_day_counts c{}",
        if w.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", w.join(" AND "))
        }
    );
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// Counts `[lo, hi)` of `f`'s dimensions through the time index (a part of a day).
fn counted_rows(
    conn: &Tx,
    f: &ConnectionLogFilter,
    scope: &AuditScope,
    lo: i64,
    hi: i64,
) -> DbResult<i64> {
    if hi <= lo {
        return Ok(0);
    }
    let mut p = Params::default();
    let Some(mut w) = where_terms(f, scope, false, &mut p) else {
        return Ok(0);
    };
    w.push(format!("c.connect_time >= {}", p.push(lo)));
    w.push(format!("c.connect_time < {}", p.push(hi)));
    let sql = format!(
        "SELECT count(*) FROM connection_logs c INDEXED BY connection_logs_time WHERE {}",
        w.join(" AND ")
    );
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The exact count of a filter without selective terms.
pub fn count(conn: &Tx, f: &ConnectionLogFilter, scope: &AuditScope) -> DbResult<i64> {
    let lo = f.connected_after;
    // `connected_before` is inclusive.
    let hi = f.connected_before.map(|t| t.saturating_add(1));
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if hi <= lo {
            return Ok(0);
        }
    }
    let ceil_day = |t: i64| {
        t.div_euclid(DAY_MICROS) * DAY_MICROS
            + if t.rem_euclid(DAY_MICROS) == 0 {
                0
            } else {
                DAY_MICROS
            }
    };
    let floor_day = |t: i64| t.div_euclid(DAY_MICROS) * DAY_MICROS;
    let first_full = lo.map(ceil_day);
    let end_full = hi.map(floor_day);
    if let (Some(a), Some(b)) = (first_full, end_full) {
        if a >= b {
            // Within one day (or two part-days): all through the index.
            return counted_rows(
                conn,
                f,
                scope,
                lo.unwrap_or(i64::MIN),
                hi.unwrap_or(i64::MAX),
            );
        }
    }
    let mut n = counted_days(conn, f, scope, first_full, end_full)?;
    if let (Some(lo), Some(a)) = (lo, first_full) {
        n += counted_rows(conn, f, scope, lo, a)?;
    }
    if let (Some(hi), Some(b)) = (hi, end_full) {
        n += counted_rows(conn, f, scope, b, hi)?;
    }
    Ok(n)
}

/// For a deep `offset` into the rows of a filter without selective terms: a UTC midnight `b`
/// and the exact number `n ≤ offset` of the filter's rows at or after it, chosen from the
/// day counters as the oldest midnight whose newer days hold no more than `offset` rows. The
/// page then starts before `b` at offset `offset - n` instead of stepping over `n` index
/// entries. None when no whole day can be skipped.
pub fn skip(
    conn: &Tx,
    f: &ConnectionLogFilter,
    scope: &AuditScope,
    offset: i64,
) -> DbResult<Option<(i64, i64)>> {
    let mut p = Params::default();
    let Some(mut w) = where_terms(f, scope, false, &mut p) else {
        return Ok(None);
    };
    if let Some(lo) = f.connected_after {
        w.push(format!("c.day >= {}", p.push(lo.div_euclid(DAY_MICROS))));
    }
    if let Some(hi) = f.connected_before {
        w.push(format!("c.day <= {}", p.push(hi.div_euclid(DAY_MICROS))));
    }
    let sql = format!(
        "SELECT c.day, sum(c.n) FROM connection_log_day_counts c{} GROUP BY c.day ORDER BY c.day DESC",
        if w.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", w.join(" AND "))
        }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(p.as_params())?;
    // Rows the counters hold from the day on: at least the filter's rows from its midnight.
    let mut newer = 0i64;
    let mut day = None;
    while let Some(r) = rows.next()? {
        let (d, n): (i64, i64) = (r.get(0)?, r.get(1)?);
        if newer + n > offset {
            break;
        }
        newer += n;
        day = Some(d);
    }
    let Some(day) = day else {
        return Ok(None);
    };
    let b = day * DAY_MICROS;
    let mut from_b = f.clone();
    from_b.connected_after = Some(f.connected_after.map_or(b, |t| t.max(b)));
    let n = count(conn, &from_b, scope)?;
    Ok((n > 0).then_some((b, n)))
}

/// The exact count of a filter on one workspace owner, workspace or user (with type and
/// status, nothing else) from `connection_log_key_counts`; None for other filters.
pub fn by_key(conn: &Tx, f: &ConnectionLogFilter, scope: &AuditScope) -> DbResult<Option<i64>> {
    let other_terms = f.organization_id.is_some()
        || f.connected_after.is_some()
        || f.connected_before.is_some()
        || f.connection_id.is_some()
        || f.user_email.is_some();
    if other_terms || !matches!(scope, AuditScope::All) {
        return Ok(None);
    }
    let live =
        |col: &str| format!("(SELECT id FROM users WHERE lower({col}) = ?1 AND deleted = 0)");
    let keys = [
        (&f.workspace_owner, format!("'o:' || {}", live("username"))),
        (&f.workspace_owner_id, "'o:' || ?1".to_string()),
        (
            &f.workspace_owner_email,
            format!("'o:' || {}", live("email")),
        ),
        (&f.workspace_id, "'w:' || ?1".to_string()),
        (&f.username, format!("'u:' || {}", live("username"))),
        (&f.user_id, "'u:' || ?1".to_string()),
    ];
    let mut set = keys.iter().filter(|(v, _)| v.is_some());
    let (Some((Some(value), key)), None) = (set.next(), set.next()) else {
        return Ok(None);
    };
    let mut p = Params::default();
    p.push(value.clone());
    let mut w = vec![format!("key = {key}")];
    if let Some(kind) = &f.kind {
        w.push(format!("type = {}", p.push(kind.clone())));
    }
    if let Some(status) = &f.status {
        w.push(format!("state = {}", p.push(status.clone())));
    }
    let sql = format!(
        "SELECT COALESCE(sum(n), 0) FROM connection_log_key_counts WHERE {}",
        w.join(" AND ")
    );
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
        .map(Some)
}

/// Recomputes `connection_log_day_counts` and `connection_log_key_counts` from the rows,
/// after bulk loads, which insert with the counting triggers off (one pass over the time
/// index, one over each key index).
pub fn rebuild(conn: &Tx) -> DbResult<()> {
    conn.execute_batch(
        "DELETE FROM connection_log_day_counts;
         INSERT INTO connection_log_day_counts (day, organization_id, type, state, n)
         SELECT (connect_time - (connect_time % 86400000000 + 86400000000) % 86400000000) / 86400000000,
                organization_id, type, state, count(*)
         FROM connection_logs INDEXED BY connection_logs_time GROUP BY 1, 2, 3, 4;
         DELETE FROM connection_log_key_counts;
         INSERT INTO connection_log_key_counts (key, type, state, n)
         SELECT 'o:' || workspace_owner_id, type, state, count(*)
         FROM connection_logs INDEXED BY connection_logs_owner_time GROUP BY 1, 2, 3;
         INSERT INTO connection_log_key_counts (key, type, state, n)
         SELECT 'w:' || workspace_id, type, state, count(*)
         FROM connection_logs INDEXED BY connection_logs_workspace_time GROUP BY 1, 2, 3;
         INSERT INTO connection_log_key_counts (key, type, state, n)
         SELECT 'u:' || user_id, type, state, count(*)
         FROM connection_logs INDEXED BY connection_logs_user_time WHERE user_id IS NOT NULL
         GROUP BY 1, 2, 3;",
    )
}

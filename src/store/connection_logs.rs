//! Connection-log reads: the page (every row with its organization, owner, user and the
//! user's AI seat in ONE statement), the count and `after_id` cursors. Rows come in
//! `connect_time DESC, seq DESC` order (`seq`: insertion order, so ties are stable).

use super::ai_seats::has_ai_seat_sql;
use super::connection_log_filter::{has_selective_term, where_terms};
use super::{json_list, where_clause as where_sql, Params};
use crate::model::query::ConnectionLogFilter;
use crate::model::{
    ConnectionLog, ConnectionLogSSHInfo, ConnectionLogWebInfo, ConnectionType, MinimalOrganization,
    SlimRole, User, NIL_UUID,
};
use crate::params;
use crate::rbac::AuditScope;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

/// A position in `connect_time DESC, seq DESC` order: the page holds the rows after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub connect_time: i64,
    pub seq: i64,
}

/// Which page: after a cursor and/or an offset; `limit` 0 = every row (exports).
#[derive(Debug, Clone, Default)]
pub struct PageSpec {
    pub after: Option<Cursor>,
    pub limit: i64,
    pub offset: i64,
}

/// Every column `read_row` reads, for the rows whose `seq` the `inner` query yields.
fn rows_sql(inner: &str) -> String {
    format!(
        "SELECT c.id, c.connect_time, c.organization_id, COALESCE(o.name, ''), \
         COALESCE(o.display_name, ''), COALESCE(o.icon, ''), c.workspace_owner_id, \
         COALESCE(ow.username, ''), c.workspace_id, c.workspace_name, c.agent_name, c.ip, c.type, \
         c.code, c.user_agent, c.slug_or_port, c.connection_id, c.disconnect_reason, \
         c.disconnect_time, c.user_id, u.username, u.name, u.avatar_url, u.email, u.created_at, \
         u.updated_at, u.last_seen_at, u.status, u.login_type, u.rbac_roles, u.is_service_account, \
         CASE WHEN u.id IS NULL THEN 0 ELSE {seat} END, c.seq \
         FROM ({inner}) pg \
         CROSS JOIN connection_logs c ON c.seq = pg.seq \
         LEFT JOIN organizations o ON o.id = c.organization_id \
         LEFT JOIN users ow ON ow.id = c.workspace_owner_id \
         LEFT JOIN users u ON u.id = c.user_id \
         ORDER BY c.connect_time DESC, c.seq DESC",
        seat = has_ai_seat_sql("u.id"),
    )
}

/// A stored row as the API shows it (Coder's `convertConnectionLog`): `web_info` for
/// coderd-recorded events, `ssh_info` for agent sessions, `ip` omitted when unknown.
fn read_row(r: &Row) -> DbResult<(i64, ConnectionLog)> {
    let kind: String = r.get(12)?;
    let code: Option<i32> = r.get(13)?;
    let user = match r.get::<Option<String>>(20)? {
        None => None,
        Some(username) => Some(User {
            id: r.get(19)?,
            username,
            name: r.get(21)?,
            avatar_url: r.get(22)?,
            email: r.get(23)?,
            created_at: r.get(24)?,
            updated_at: r.get(25)?,
            last_seen_at: r.get(26)?,
            status: r.get(27)?,
            login_type: r.get(28)?,
            theme_preference: String::new(),
            is_service_account: r.get(30)?,
            organization_ids: Vec::new(),
            roles: SlimRole::site_list(&json_list(&r.get::<String>(29)?)),
            has_ai_seat: r.get(31)?,
        }),
    };
    let web = ConnectionType::parse(&kind).is_some_and(|k| k.is_web());
    let (web_info, ssh_info) = if web {
        let info = ConnectionLogWebInfo {
            user_agent: r.get::<Option<String>>(14)?.unwrap_or_default(),
            user,
            slug_or_port: r.get::<Option<String>>(15)?.unwrap_or_default(),
            status_code: code.unwrap_or(0),
        };
        (Some(info), None)
    } else {
        let info = ConnectionLogSSHInfo {
            connection_id: r
                .get::<Option<String>>(16)?
                .unwrap_or_else(|| NIL_UUID.to_string()),
            disconnect_reason: r.get(17)?,
            disconnect_time: r.get(18)?,
            exit_code: code,
        };
        (None, Some(info))
    };
    let ip: Option<String> = r.get(11)?;
    let log = ConnectionLog {
        id: r.get(0)?,
        connect_time: r.get(1)?,
        organization: MinimalOrganization {
            id: r.get(2)?,
            name: r.get(3)?,
            display_name: r.get(4)?,
            icon: r.get(5)?,
        },
        workspace_owner_id: r.get(6)?,
        workspace_owner_username: r.get(7)?,
        workspace_id: r.get(8)?,
        workspace_name: r.get(9)?,
        agent_name: r.get(10)?,
        ip: ip.filter(|s| !s.is_empty()),
        kind,
        web_info,
        ssh_info,
    };
    Ok((r.get(32)?, log))
}

/// `f` with `user_email:` as the one user id it names, when it names exactly one (live
/// e-mails are unique; only deleted users' may repeat), so a page reads the user index in
/// order instead of sorting all of that user's rows; None when nothing changes.
fn by_user_id(conn: &Tx, f: &ConnectionLogFilter) -> DbResult<Option<ConnectionLogFilter>> {
    let (Some(email), None) = (&f.user_email, &f.user_id) else {
        return Ok(None);
    };
    let ids = conn
        .prepare_cached("SELECT id FROM users WHERE lower(email) = ?1 LIMIT 2")?
        .query_map(params![email], |r| r.get::<String>(0))?
        .collect::<DbResult<Vec<_>>>()?;
    let [id] = ids.as_slice() else {
        return Ok(None);
    };
    let mut g = f.clone();
    g.user_email = None;
    g.user_id = Some(id.clone());
    Ok(Some(g))
}

/// Offsets from which `page` skips whole days through the day counters.
const SKIP_FROM: i64 = 10_000;

/// One page of rows (with their `seq`, the export's resume point).
pub fn page(
    conn: &Tx,
    f: &ConnectionLogFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> DbResult<Vec<(i64, ConnectionLog)>> {
    if let Some(g) = by_user_id(conn, f)? {
        return page(conn, &g, scope, pg);
    }
    if pg.after.is_none() && pg.offset >= SKIP_FROM && !has_selective_term(f) {
        // A deep offset starts at the midnight the day counters place it after.
        if let Some((b, n)) = super::connection_log_counts::skip(conn, f, scope, pg.offset)? {
            let mut before = f.clone();
            before.connected_before = Some(f.connected_before.map_or(b - 1, |t| t.min(b - 1)));
            let rest = PageSpec {
                offset: pg.offset - n,
                ..pg.clone()
            };
            return page(conn, &before, scope, &rest);
        }
    }
    let mut p = Params::default();
    let Some(mut w) = where_terms(f, scope, true, &mut p) else {
        return Ok(Vec::new());
    };
    if let Some(c) = pg.after {
        let t = p.push(c.connect_time);
        let s = p.push(c.seq);
        w.push(format!(
            "(c.connect_time < {t} OR (c.connect_time = {t} AND c.seq < {s}))"
        ));
    }
    let limit = if pg.limit > 0 { pg.limit } else { -1 };
    let inner = format!(
        "SELECT c.seq FROM connection_logs c{} ORDER BY c.connect_time DESC, c.seq DESC LIMIT {} OFFSET {}",
        where_sql(&w),
        p.push(limit),
        p.push(pg.offset.max(0)),
    );
    let sql = rows_sql(&inner);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), read_row)?;
    rows.collect()
}

/// The rows with these ids (fixture answers), newest first.
pub fn by_ids(conn: &Tx, ids: &[String]) -> DbResult<Vec<ConnectionLog>> {
    let mut p = Params::default();
    let inner = format!(
        "SELECT seq FROM connection_logs WHERE id IN {}",
        p.push_list(ids)
    );
    let sql = rows_sql(&inner);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), |r| Ok(read_row(r)?.1))?;
    rows.collect()
}

/// Matching rows: exact when `cap` is 0 (from the day counters when the filter allows),
/// else at most `cap + 1`.
pub fn count(conn: &Tx, f: &ConnectionLogFilter, scope: &AuditScope, cap: i64) -> DbResult<i64> {
    if let Some(g) = by_user_id(conn, f)? {
        return count(conn, &g, scope, cap);
    }
    if !has_selective_term(f) {
        // The counters' exact count, capped as Coder's `LIMIT cap + 1` would (a capped scan
        // of a rare organization/type/status mix steps over most of the table).
        let n = super::connection_log_counts::count(conn, f, scope)?;
        return Ok(if cap > 0 { n.min(cap + 1) } else { n });
    }
    if let Some(n) = super::connection_log_counts::by_key(conn, f, scope)? {
        return Ok(if cap > 0 { n.min(cap + 1) } else { n });
    }
    let mut p = Params::default();
    let Some(w) = where_terms(f, scope, true, &mut p) else {
        return Ok(0);
    };
    let sql = if cap > 0 {
        format!(
            "SELECT count(*) FROM (SELECT 1 FROM connection_logs c{} LIMIT {}) capped",
            where_sql(&w),
            p.push(cap + 1)
        )
    } else {
        format!("SELECT count(*) FROM connection_logs c{}", where_sql(&w))
    };
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The cursor of a row the caller may see, by id.
pub fn cursor(conn: &Tx, id: &str, scope: &AuditScope) -> DbResult<Option<Cursor>> {
    let row: Option<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT connect_time, seq, organization_id FROM connection_logs WHERE id = ?1",
        )?
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(connect_time, seq, org)| {
        let visible = match scope {
            AuditScope::All => true,
            AuditScope::Orgs(orgs) => orgs.contains(&org),
            AuditScope::None => false,
        };
        visible.then_some(Cursor { connect_time, seq })
    }))
}

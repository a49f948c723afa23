//! Audit-log reads: the page (every row built in ONE statement), the count, keyset cursors,
//! and the test-row insert.
//!
//! Plan shape (SQLite keeps unused LEFT JOINs, so nothing is joined that a filter does not
//! need): the inner query picks the page's `seq`s from `audit_logs` alone, in
//! `time DESC, id DESC` order, through one of the `(column, time, id)` indexes — covering, so
//! OFFSET skips index entries without touching the table. Only the final page is then joined
//! to its row, user, organization, AI-seat EXISTS and the `is_deleted`/link look-ups.

use super::ai_seats::has_ai_seat_sql;
use super::audit_counts::Skip;
use super::{json_list, Params};
use crate::audit::describe::describe;
use crate::audit::present;
use crate::model::{AuditLog, MinimalOrganization, SlimRole, User, NIL_UUID};
use crate::rbac::AuditScope;
use crate::search::audit::AuditFilter;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Which slice of the ordered rows a page holds.
#[derive(Debug, Clone, Default)]
pub struct PageSpec {
    /// Rows strictly after this position.
    pub after: Option<Cursor>,
    pub limit: i64,
    pub offset: i64,
    /// Sorting the matches is acceptable (see `choose_index`).
    pub sort_ok: bool,
}

/// A position in `time DESC, id DESC` order: rows strictly after it come next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub time: i64,
    pub id: String,
}

/// Rows at or below which a multi-organization page may sort its rows instead of walking
/// the time index (see `choose_index`).
pub const SORT_LIMIT: i64 = 20_000;

/// The index that drives a query, named with `INDEXED BY` so the plan does not depend on
/// statistics (with ANALYZE data SQLite may prefer, e.g., a skip-scan of
/// `(resource_type, action, ...)` plus a sort of every login for `action:login`). Every index
/// is `(column, time, id)`, so the rows come out already in page order. Most selective first.
/// `sort_ok`: the caller accepts sorting the matches (a count, or a page whose count is
/// small); only a scope of several organizations without another driving filter cares.
pub fn choose_index(f: &AuditFilter, scope: &AuditScope, sort_ok: bool) -> &'static str {
    let one_org =
        f.organization_id.is_some() || matches!(scope, AuditScope::Orgs(o) if o.len() == 1);
    let many_orgs = matches!(scope, AuditScope::Orgs(o) if o.len() > 1);
    if f.request_id.is_some() {
        "audit_logs_request_id"
    } else if f.resource_id.is_some() {
        "audit_logs_resource_id"
    } else if f.user_id.is_some() || f.username.is_some() || f.email.is_some() {
        "audit_logs_user_time"
    } else if f.resource_target.is_some() {
        "audit_logs_target_time"
    } else if f.resource_type.is_some() && f.action.is_some() {
        "audit_logs_type_action_time"
    } else if f.build_reason.is_some() {
        "audit_logs_build_reason_time"
    } else if f.resource_type.is_some() {
        "audit_logs_type_time"
    } else if f.action.is_some() {
        "audit_logs_action_time"
    } else if one_org || (many_orgs && sort_ok) {
        "audit_logs_org_time"
    } else {
        "audit_logs_time"
    }
}

/// WHERE terms (joined with AND) for the filter, the caller's scope and an optional cursor.
/// Returns None when the scope can see nothing.
fn where_terms(
    f: &AuditFilter,
    scope: &AuditScope,
    after: Option<&Cursor>,
    p: &mut Params,
) -> Option<Vec<String>> {
    let mut w = Vec::new();
    match scope {
        AuditScope::All => {}
        AuditScope::None => return None,
        AuditScope::Orgs(orgs) if orgs.is_empty() => return None,
        AuditScope::Orgs(orgs) if orgs.len() == 1 => {
            w.push(format!("al.organization_id = {}", p.push(orgs[0].clone())));
        }
        AuditScope::Orgs(orgs) => {
            w.push(format!("al.organization_id IN {}", p.push_list(orgs)));
        }
    }
    if let Some(v) = &f.request_id {
        w.push(format!("al.request_id = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.resource_id {
        w.push(format!("al.resource_id = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.resource_target {
        w.push(format!(
            "al.resource_target = {} COLLATE NOCASE",
            p.push(v.clone())
        ));
    }
    if let Some(v) = &f.username {
        w.push(format!(
            "al.user_id = (SELECT id FROM users WHERE lower(username) = {} AND deleted = 0)",
            p.push(v.clone())
        ));
    }
    if let Some(v) = &f.user_id {
        w.push(format!("al.user_id = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.email {
        w.push(format!(
            "al.user_id IN (SELECT id FROM users WHERE lower(email) = {})",
            p.push(v.clone())
        ));
    }
    if let Some(v) = f.date_from {
        w.push(format!("al.time >= {}", p.push(v)));
    }
    if let Some(v) = f.date_to_before {
        w.push(format!("al.time < {}", p.push(v)));
    }
    if let Some(v) = &f.organization_id {
        w.push(format!("al.organization_id = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.resource_type {
        w.push(format!("al.resource_type = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.action {
        w.push(format!("al.action = {}", p.push(v.clone())));
    }
    if let Some(v) = &f.build_reason {
        w.push(format!("al.build_reason = {}", p.push(v.clone())));
    }
    if let Some(c) = after {
        let t = p.push(c.time);
        let id = p.push(c.id.clone());
        w.push(format!("(al.time, al.id) < ({t}, {id})"));
    }
    Some(w)
}

fn where_sql(terms: &[String]) -> String {
    if terms.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", terms.join(" AND "))
    }
}

/// The inner query: the `seq`s of the page, in order. Exposed for plan tests.
pub fn page_ids_sql(
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> Option<(String, Params)> {
    let mut p = Params::default();
    let terms = where_terms(f, scope, pg.after.as_ref(), &mut p)?;
    let lim = p.push(pg.limit);
    let off = p.push(pg.offset);
    let sql = format!(
        "SELECT al.seq FROM audit_logs al INDEXED BY {}{} \
         ORDER BY al.time DESC, al.id DESC LIMIT {lim} OFFSET {off}",
        choose_index(f, scope, pg.sort_ok),
        where_sql(&terms)
    );
    Some((sql, p))
}

/// The whole page statement: page ids, then each row with its user, organization, AI seat,
/// `is_deleted` and link owner.
pub fn page_sql(f: &AuditFilter, scope: &AuditScope, pg: &PageSpec) -> Option<(String, Params)> {
    let (inner, p) = page_ids_sql(f, scope, pg)?;
    Some((rows_sql(&inner, "a.time DESC, a.id DESC"), p))
}

/// Every column `row_to_log` reads, for the rows whose `seq` the `inner` query yields, in
/// `order`; then `a.seq` and `a.hash` (indices 32 and 33).
fn rows_sql(inner: &str, order: &str) -> String {
    format!(
        "SELECT a.id, a.request_id, a.time, a.ip, a.user_agent, a.resource_type, a.resource_id, \
         a.resource_target, a.resource_icon, a.action, a.diff, a.status_code, a.additional_fields, \
         a.organization_id, COALESCE(o.name, ''), COALESCE(o.display_name, ''), COALESCE(o.icon, ''), \
         a.user_id, u.username, u.name, u.avatar_url, u.email, u.created_at, u.updated_at, \
         u.last_seen_at, u.status, u.login_type, u.rbac_roles, u.is_service_account, \
         CASE WHEN u.id IS NULL THEN 0 ELSE {seat} END, \
         CASE a.resource_type \
           WHEN 'user' THEN COALESCE((SELECT ru.deleted FROM users ru WHERE ru.id = a.resource_id), 1) \
           WHEN 'workspace' THEN COALESCE((SELECT rw.deleted FROM workspaces rw WHERE rw.id = a.resource_id), 1) \
           WHEN 'workspace_build' THEN COALESCE((SELECT rw.deleted FROM workspace_builds rb \
                JOIN workspaces rw ON rw.id = rb.workspace_id WHERE rb.id = a.resource_id), 1) \
           ELSE 0 END, \
         CASE a.resource_type \
           WHEN 'workspace' THEN (SELECT ou.username FROM workspaces rw JOIN users ou ON ou.id = rw.owner_id \
                WHERE rw.id = a.resource_id) \
           WHEN 'workspace_build' THEN (SELECT ou.username FROM workspace_builds rb \
                JOIN workspaces rw ON rw.id = rb.workspace_id JOIN users ou ON ou.id = rw.owner_id \
                WHERE rb.id = a.resource_id) \
           END, \
         a.seq, a.hash \
         FROM ({inner}) pg \
         CROSS JOIN audit_logs a ON a.seq = pg.seq \
         LEFT JOIN users u ON u.id = a.user_id \
         LEFT JOIN organizations o ON o.id = a.organization_id \
         ORDER BY {order}",
        seat = has_ai_seat_sql("u.id"),
    )
}

/// The count statement; `cap` > 0 stops counting after `cap + 1` rows (Coder's capped count).
pub fn count_sql(f: &AuditFilter, scope: &AuditScope, cap: i64) -> Option<(String, Params)> {
    let mut p = Params::default();
    let terms = where_terms(f, scope, None, &mut p)?;
    let from = format!(
        "audit_logs al INDEXED BY {}{}",
        choose_index(f, scope, true),
        where_sql(&terms)
    );
    let sql = if cap > 0 {
        let lim = p.push(cap + 1);
        format!("SELECT count(*) FROM (SELECT 1 FROM {from} LIMIT {lim})")
    } else {
        format!("SELECT count(*) FROM {from}")
    };
    Some((sql, p))
}

fn row_to_log(r: &Row) -> rusqlite::Result<AuditLog> {
    let resource_type: String = r.get(5)?;
    let action: String = r.get(9)?;
    let status_code: i32 = r.get(11)?;
    let diff = present::diff(&r.get::<_, String>(10)?);
    let (additional_fields, fields) = present::additional_fields(&r.get::<_, String>(12)?);
    let target: String = r.get(7)?;
    let organization_id: String = r.get(13)?;
    let organization = (organization_id != NIL_UUID).then(|| MinimalOrganization {
        id: organization_id.clone(),
        name: r.get(14).unwrap_or_default(),
        display_name: r.get(15).unwrap_or_default(),
        icon: r.get(16).unwrap_or_default(),
    });
    let username: Option<String> = r.get(18)?;
    let user = match username {
        None => None,
        Some(username) => Some(User {
            id: r.get(17)?,
            username,
            name: r.get(19)?,
            avatar_url: r.get(20)?,
            email: r.get(21)?,
            created_at: r.get(22)?,
            updated_at: r.get(23)?,
            last_seen_at: r.get(24)?,
            status: r.get(25)?,
            login_type: r.get(26)?,
            theme_preference: String::new(),
            is_service_account: r.get(28)?,
            organization_ids: Vec::new(),
            roles: SlimRole::site_list(&json_list(&r.get::<_, String>(27)?)),
            has_ai_seat: r.get(29)?,
        }),
    };
    let is_deleted: bool = r.get(30)?;
    let owner: Option<String> = r.get(31)?;
    let resource_link = present::resource_link(
        &resource_type,
        &target,
        is_deleted,
        owner.as_deref(),
        &fields,
    );
    Ok(AuditLog {
        id: r.get(0)?,
        request_id: r.get(1)?,
        time: r.get(2)?,
        ip: present::ip(r.get::<_, Option<String>>(3)?.as_deref()),
        user_agent: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        description: describe(&action, &resource_type, status_code, &diff),
        resource_type,
        resource_id: r.get(6)?,
        resource_target: target,
        resource_icon: r.get(8)?,
        action,
        diff,
        status_code,
        additional_fields,
        resource_link,
        is_deleted,
        organization_id,
        organization,
        user,
    })
}

/// One page of fully built rows. A deep OFFSET first skips whole days using the per-day
/// totals when they can count the filter exactly.
pub fn page(
    conn: &Connection,
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> rusqlite::Result<Vec<AuditLog>> {
    if pg.after.is_none() {
        match super::audit_counts::skip_days(conn, f, scope, pg.offset)? {
            Skip::Walk => {}
            Skip::PastEnd => return Ok(Vec::new()),
            Skip::To { before, offset } => {
                let f = AuditFilter {
                    date_to_before: Some(f.date_to_before.map_or(before, |t| t.min(before))),
                    ..f.clone()
                };
                let pg = PageSpec {
                    offset,
                    ..pg.clone()
                };
                return page_rows(conn, &f, scope, &pg);
            }
        }
    }
    page_rows(conn, f, scope, pg)
}

fn page_rows(
    conn: &Connection,
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> rusqlite::Result<Vec<AuditLog>> {
    let Some((sql, p)) = page_sql(f, scope, pg) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), row_to_log)?;
    rows.collect()
}

/// Up to `limit` committed rows after `after_seq`, in `seq` (insertion) order, each with its
/// `seq` and chain hash: the audit streams' outbox read.
pub fn after_seq(
    conn: &Connection,
    after_seq: i64,
    limit: i64,
) -> rusqlite::Result<Vec<(i64, Option<String>, AuditLog)>> {
    let sql = rows_sql(
        "SELECT seq FROM audit_logs WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        "a.seq",
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![after_seq, limit], |r| {
        Ok((r.get(32)?, r.get(33)?, row_to_log(r)?))
    })?;
    rows.collect()
}

/// Matching rows (exact, or at most `cap + 1` when `cap` > 0): from the counters when they
/// can answer, else by counting the rows.
pub fn count(
    conn: &Connection,
    f: &AuditFilter,
    scope: &AuditScope,
    cap: i64,
) -> rusqlite::Result<i64> {
    if let Some(n) = super::audit_counts::count(conn, f, scope)? {
        return Ok(if cap > 0 { n.min(cap + 1) } else { n });
    }
    let Some((sql, p)) = count_sql(f, scope, cap) else {
        return Ok(0);
    };
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The cursor of a row the caller may see, by id.
pub fn cursor(conn: &Connection, id: &str, scope: &AuditScope) -> rusqlite::Result<Option<Cursor>> {
    let row: Option<(i64, String, String)> = conn
        .prepare_cached("SELECT time, id, organization_id FROM audit_logs WHERE id = ?1")?
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(time, id, org)| {
        let visible = match scope {
            AuditScope::All => true,
            AuditScope::Orgs(orgs) => orgs.contains(&org),
            AuditScope::None => false,
        };
        visible.then_some(Cursor { time, id })
    }))
}

/// A non-deleted organization's id by name (case-insensitive), for `organization:<name>`.
pub fn org_id_by_name(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT id FROM organizations WHERE lower(name) = lower(?1) AND deleted = 0",
    )?
    .query_row(params![name], |r| r.get(0))
    .optional()
}

#[cfg(test)]
#[path = "audit_logs_plan_tests.rs"]
mod plan_tests;

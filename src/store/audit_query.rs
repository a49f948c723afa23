//! SQL text for audit-log reads: which index drives a query, the WHERE terms of a filter and
//! scope, the page's ordered `seq`s and the row count. Only values travel as parameters.

use super::Params;
use crate::model::query::AuditFilter;
use crate::rbac::AuditScope;

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

/// A position in `time DESC, seq DESC` order (`seq`: insertion order, which breaks ties
/// between rows of the same microsecond): rows strictly after it come next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub time: i64,
    pub seq: i64,
}

/// Rows at or below which a multi-organization page may sort its rows instead of walking
/// the time index (see `choose_index`).
pub const SORT_LIMIT: i64 = 20_000;

/// The index that drives a query, named with `INDEXED BY` so the plan does not depend on
/// statistics (with ANALYZE data SQLite may prefer, e.g., a skip-scan of
/// `(resource_type, action, ...)` plus a sort of every login for `action:login`). Every index
/// is `(column, time)` plus the rowid `seq`, so the rows come out already in page order. Most selective first.
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
    w.extend(p.eq("al.request_id", &f.request_id));
    w.extend(p.eq("al.resource_id", &f.resource_id));
    if let Some(v) = &f.resource_target {
        w.push(format!(
            "al.resource_target = {} COLLATE NOCASE",
            p.push(v.clone())
        ));
    }
    if let Some(v) = &f.username {
        w.push(super::user_named_sql("al.user_id", v, p));
    }
    w.extend(p.eq("al.user_id", &f.user_id));
    if let Some(v) = &f.email {
        w.push(super::user_email_sql("al.user_id", v, false, p));
    }
    if let Some(v) = f.date_from {
        w.push(format!("al.time >= {}", p.push(v)));
    }
    if let Some(v) = f.date_to_before {
        w.push(format!("al.time < {}", p.push(v)));
    }
    w.extend(p.eq("al.organization_id", &f.organization_id));
    w.extend(p.eq("al.resource_type", &f.resource_type));
    w.extend(p.eq("al.action", &f.action));
    w.extend(p.eq("al.build_reason", &f.build_reason));
    if let Some(c) = after {
        let t = p.push(c.time);
        let seq = p.push(c.seq);
        w.push(format!("(al.time, al.seq) < ({t}, {seq})"));
    }
    Some(w)
}

/// The inner query: the `seq`s of the page, in order. Exposed for plan tests.
pub fn page_ids_sql(
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> Option<(String, Params)> {
    page_ids_sql_via(f, scope, pg, choose_index(f, scope, pg.sort_ok))
}

/// `page_ids_sql` driven by a given index (one `choose_index` or `audit_logs::pick_index`
/// returned for this filter).
pub fn page_ids_sql_via(
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
    index: &'static str,
) -> Option<(String, Params)> {
    let mut p = Params::default();
    let terms = where_terms(f, scope, pg.after.as_ref(), &mut p)?;
    let lim = p.push(pg.limit);
    let off = p.push(pg.offset);
    let sql = format!(
        "SELECT al.seq FROM audit_logs al INDEXED BY {}{} \
         ORDER BY al.time DESC, al.seq DESC LIMIT {lim} OFFSET {off}",
        index,
        super::where_clause(&terms)
    );
    Some((sql, p))
}

/// The count statement; `cap` > 0 stops counting after `cap + 1` rows (Coder's capped count).
pub fn count_sql(f: &AuditFilter, scope: &AuditScope, cap: i64) -> Option<(String, Params)> {
    count_sql_via(f, scope, cap, choose_index(f, scope, true))
}

/// `count_sql` driven by a given index.
pub fn count_sql_via(
    f: &AuditFilter,
    scope: &AuditScope,
    cap: i64,
    index: &'static str,
) -> Option<(String, Params)> {
    let mut p = Params::default();
    let terms = where_terms(f, scope, None, &mut p)?;
    let from = format!(
        "audit_logs al INDEXED BY {index}{}",
        super::where_clause(&terms)
    );
    let sql = if cap > 0 {
        let lim = p.push(cap + 1);
        format!("SELECT count(*) FROM (SELECT 1 FROM {from} LIMIT {lim}) capped")
    } else {
        format!("SELECT count(*) FROM {from}")
    };
    Some((sql, p))
}

/// Whether a filter has a term of its own index that is selective by nature (a user, a
/// request, a resource, a target): such a term drives, and its index covers the dimension
/// columns (organization, type, action, build reason) that may be combined with it.
pub fn has_selective_term(f: &AuditFilter) -> bool {
    f.request_id.is_some()
        || f.resource_id.is_some()
        || f.resource_target.is_some()
        || f.user_id.is_some()
        || f.username.is_some()
        || f.email.is_some()
}

/// Each dimension term of a filter on its own: type and action (together when both are
/// given), build reason, and the one organization (named, or the caller's only one). The
/// counters size each.
pub fn dimension_terms(f: &AuditFilter, scope: &AuditScope) -> Vec<AuditFilter> {
    let base = AuditFilter::default();
    let mut out = Vec::new();
    if f.resource_type.is_some() || f.action.is_some() {
        out.push(AuditFilter {
            resource_type: f.resource_type.clone(),
            action: f.action.clone(),
            ..base.clone()
        });
    }
    if let Some(v) = &f.build_reason {
        out.push(AuditFilter {
            build_reason: Some(v.clone()),
            ..base.clone()
        });
    }
    let org = f.organization_id.clone().or(match scope {
        AuditScope::Orgs(o) if o.len() == 1 => Some(o[0].clone()),
        _ => None,
    });
    if org.is_some() {
        out.push(AuditFilter {
            organization_id: org,
            ..base
        });
    }
    out
}

//! The WHERE terms of connection-log queries (pages, counts, exports): the `q` filter and
//! the caller's scope over `connection_logs c`, as parameterised SQL fragments.

use super::Params;
use crate::model::query::ConnectionLogFilter;
use crate::rbac::AuditScope;

/// True when `f` holds a term that needs the rows themselves (not only the counters'
/// organization, type, state and day).
pub fn has_selective_term(f: &ConnectionLogFilter) -> bool {
    f.workspace_owner.is_some()
        || f.workspace_owner_id.is_some()
        || f.workspace_owner_email.is_some()
        || f.username.is_some()
        || f.user_id.is_some()
        || f.user_email.is_some()
        || f.workspace_id.is_some()
        || f.connection_id.is_some()
}

/// The `state` a `status:` value selects.
fn state_of(status: &str) -> &'static str {
    if status == "ongoing" {
        "ongoing"
    } else {
        "completed"
    }
}

/// The WHERE terms of `f` and `scope` over `connection_logs c`; None when nothing can match.
pub fn where_terms(
    f: &ConnectionLogFilter,
    scope: &AuditScope,
    times: bool,
    p: &mut Params,
) -> Option<Vec<String>> {
    let mut w = Vec::new();
    match scope {
        AuditScope::All => {}
        AuditScope::None => return None,
        AuditScope::Orgs(orgs) => w.push(format!("c.organization_id IN {}", p.push_list(orgs))),
    }
    w.extend(p.eq("c.organization_id", &f.organization_id));
    if let Some(v) = &f.workspace_owner {
        w.push(super::user_named_sql("c.workspace_owner_id", v, p));
    }
    w.extend(p.eq("c.workspace_owner_id", &f.workspace_owner_id));
    if let Some(v) = &f.workspace_owner_email {
        w.push(super::user_email_sql("c.workspace_owner_id", v, true, p));
    }
    w.extend(p.eq("c.type", &f.kind));
    if let Some(v) = &f.username {
        w.push(super::user_named_sql("c.user_id", v, p));
    }
    w.extend(p.eq("c.user_id", &f.user_id));
    if let Some(v) = &f.user_email {
        w.push(super::user_email_sql("c.user_id", v, false, p));
    }
    if times {
        if let Some(t) = f.connected_after {
            w.push(format!("c.connect_time >= {}", p.push(t)));
        }
        if let Some(t) = f.connected_before {
            w.push(format!("c.connect_time <= {}", p.push(t)));
        }
    }
    w.extend(p.eq("c.workspace_id", &f.workspace_id));
    w.extend(p.eq("c.connection_id", &f.connection_id));
    if let Some(v) = &f.status {
        w.push(format!("c.state = '{}'", state_of(v)));
    }
    Some(w)
}

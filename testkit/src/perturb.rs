//! For `check.rs`: each filter with every value replaced by a different value of the same
//! kind, keeping what may legitimately shape the SQL text (which filters are set, list
//! lengths, booleans, whole-day dates, a `member` role). A builder that interpolated a value
//! into its SQL text would produce a different text for the perturbed filter.

use coderlite::model::query::AISessionQuery;
use coderlite::model::query::AuditFilter;
use coderlite::model::query::InterceptionQuery;
use coderlite::model::query::MemberFilter;
use coderlite::model::query::Pagination;
use coderlite::model::query::UsersFilter;
use coderlite::model::query::WorkspaceQuery;
use coderlite::store::interceptions::Filter;
use coderlite::store::workspaces::ListFilter;

const UUID_A: &str = "5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a";
const UUID_B: &str = "6b6b6b6b-6b6b-4b6b-8b6b-6b6b6b6b6b6b";
const DAY_MICROS: i64 = 86_400_000_000;

fn text(v: &str) -> String {
    if v == "p" { "q" } else { "p" }.to_string()
}

fn uuid(v: &str) -> String {
    if v == UUID_A { UUID_B } else { UUID_A }.to_string()
}

fn opt_text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(text)
}

fn opt_uuid(v: &Option<String>) -> Option<String> {
    v.as_deref().map(uuid)
}

fn list(v: &[String]) -> Vec<String> {
    v.iter().map(|s| text(s)).collect()
}

fn int(v: i64) -> i64 {
    match v {
        0 => 0,
        1 => 2,
        _ => 1,
    }
}

fn time(v: Option<i64>) -> Option<i64> {
    v.map(|t| if t == 1 { 2 } else { 1 })
}

/// Dates move by a week, so whole days stay whole days.
fn day(v: Option<i64>) -> Option<i64> {
    v.map(|t| t.saturating_add(7 * DAY_MICROS))
}

pub fn audit(f: &AuditFilter) -> AuditFilter {
    AuditFilter {
        request_id: opt_uuid(&f.request_id),
        resource_id: opt_uuid(&f.resource_id),
        resource_target: opt_text(&f.resource_target),
        username: opt_text(&f.username),
        user_id: opt_text(&f.user_id),
        email: opt_text(&f.email),
        date_from: day(f.date_from),
        date_to_before: day(f.date_to_before),
        organization_id: opt_text(&f.organization_id),
        resource_type: opt_text(&f.resource_type),
        action: opt_text(&f.action),
        build_reason: opt_text(&f.build_reason),
    }
}

pub fn users(f: &UsersFilter) -> UsersFilter {
    let keep_empty = |s: &str| if s.is_empty() { String::new() } else { text(s) };
    UsersFilter {
        search: keep_empty(&f.search),
        name: keep_empty(&f.name),
        status: list(&f.status),
        service_account: f.service_account,
        roles: f
            .roles
            .iter()
            .map(|r| {
                if r == coderlite::rbac::MEMBER {
                    r.clone()
                } else {
                    text(r)
                }
            })
            .collect(),
        last_seen_before: time(f.last_seen_before),
        last_seen_after: time(f.last_seen_after),
        created_before: time(f.created_before),
        created_after: time(f.created_after),
        github_com_user_id: int(f.github_com_user_id),
        login_type: list(&f.login_type),
        username: opt_text(&f.username),
        email: opt_text(&f.email),
        has_ai_seat: f.has_ai_seat,
    }
}

pub fn members(f: &MemberFilter) -> MemberFilter {
    MemberFilter {
        user_id: opt_uuid(&f.user_id),
        include_system: f.include_system,
        github_user_id: f.github_user_id.map(int),
    }
}

pub fn page(p: &Pagination) -> Pagination {
    Pagination {
        limit: int(p.limit),
        offset: int(p.offset),
        after_id: opt_uuid(&p.after_id),
    }
}

/// The handler's filter for a parsed query, the initiator resolved to itself.
pub fn interception_filter(q: &InterceptionQuery, visible_to: Option<String>) -> Filter {
    Filter::from_query(q.clone(), q.initiator.clone(), visible_to)
}

pub fn interceptions(f: &Filter) -> Filter {
    Filter {
        initiator_id: opt_text(&f.initiator_id),
        visible_to: opt_text(&f.visible_to),
        provider: opt_text(&f.provider),
        model: opt_text(&f.model),
        client: opt_text(&f.client),
        started_after: time(f.started_after),
        started_before: time(f.started_before),
    }
}

/// The handler's filter for a parsed query: `me` is the caller, another owner name is taken
/// as resolved to itself.
pub fn workspace_filter(q: &WorkspaceQuery, caller: &str) -> ListFilter {
    let resolved = ListFilter::from_query(q.clone(), |owner| {
        let id = if owner == "me" { caller } else { owner };
        Ok::<_, std::convert::Infallible>(Some(id.to_string()))
    });
    match resolved {
        Ok(f) => f,
        Err(never) => match never {},
    }
}

pub fn workspaces(f: &ListFilter) -> ListFilter {
    ListFilter {
        owner_id: opt_text(&f.owner_id),
        owner_missing: f.owner_missing,
        name_contains: opt_text(&f.name_contains),
        deleted: f.deleted,
        has_ai_task: f.has_ai_task,
        ids: f.ids.iter().map(|s| uuid(s)).collect(),
    }
}

pub fn ai_sessions(q: &AISessionQuery) -> AISessionQuery {
    AISessionQuery {
        initiator_id: opt_uuid(&q.initiator_id),
        provider: opt_text(&q.provider),
        provider_name: opt_text(&q.provider_name),
        model: opt_text(&q.model),
        client: opt_text(&q.client),
        session_id: opt_text(&q.session_id),
        started_after: time(q.started_after),
        started_before: time(q.started_before),
    }
}

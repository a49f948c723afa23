//! Workspaces and their builds. Every workspace object comes from one SELECT that joins its
//! owner, organization and latest build (with the build's initiator).

use super::Params;
use crate::model::workspace::{
    BuildRow, BuildWorkspace, Workspace, WorkspaceBuild, WorkspaceHealth,
};
use crate::model::NIL_UUID;
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

const COLUMNS: &str = "w.id, w.created_at, w.updated_at, w.owner_id, ou.username, ou.avatar_url, \
    w.organization_id, o.name, w.name, w.deleted, w.last_used_at, \
    b.id, b.build_number, b.transition, b.initiator_id, COALESCE(iu.username, ''), b.reason, \
    COALESCE(b.has_ai_task, 0), b.job_id, b.created_at, b.updated_at";

const FROM: &str = "FROM workspaces w \
    JOIN users ou ON ou.id = w.owner_id \
    JOIN organizations o ON o.id = w.organization_id \
    JOIN workspace_builds b ON b.workspace_id = w.id AND b.build_number = \
        (SELECT max(mb.build_number) FROM workspace_builds mb WHERE mb.workspace_id = w.id) \
    LEFT JOIN users iu ON iu.id = b.initiator_id";

fn build_from_row(r: &Row, at: usize) -> DbResult<BuildRow> {
    Ok(BuildRow {
        id: r.get(at)?,
        build_number: r.get(at + 1)?,
        transition: r.get(at + 2)?,
        initiator_id: r.get(at + 3)?,
        initiator_name: r.get(at + 4)?,
        reason: r.get(at + 5)?,
        has_ai_task: r.get(at + 6)?,
        job_id: r.get(at + 7)?,
        created_at: r.get(at + 8)?,
        updated_at: r.get(at + 9)?,
    })
}

fn workspace_from_row(r: &Row) -> DbResult<Workspace> {
    let bw = BuildWorkspace {
        id: r.get(0)?,
        owner_id: r.get(3)?,
        owner_name: r.get(4)?,
        owner_avatar_url: r.get(5)?,
        organization_id: r.get(6)?,
        name: r.get(8)?,
    };
    let build = build_from_row(r, 11)?;
    Ok(Workspace {
        id: bw.id.clone(),
        created_at: r.get(1)?,
        updated_at: r.get(2)?,
        owner_id: bw.owner_id.clone(),
        owner_name: bw.owner_name.clone(),
        owner_avatar_url: bw.owner_avatar_url.clone(),
        organization_id: bw.organization_id.clone(),
        organization_name: r.get(7)?,
        template_id: NIL_UUID.into(),
        template_name: String::new(),
        template_display_name: String::new(),
        template_icon: String::new(),
        template_allow_user_cancel_workspace_jobs: false,
        template_active_version_id: NIL_UUID.into(),
        template_require_active_version: false,
        template_use_classic_parameter_flow: false,
        latest_build: WorkspaceBuild::new(&bw, &build),
        latest_app_status: None,
        outdated: false,
        name: bw.name.clone(),
        last_used_at: r.get(10)?,
        deleting_at: None,
        dormant_at: None,
        health: WorkspaceHealth {
            healthy: true,
            failing_agents: Vec::new(),
        },
        automatic_updates: "never",
        allow_renames: false,
        favorite: false,
        next_start_at: None,
        is_prebuild: false,
        deleted: r.get(9)?,
    })
}

/// A workspace by id, deleted or not.
pub fn get(conn: &Tx, id: &str) -> DbResult<Option<Workspace>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE w.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row(params![id], workspace_from_row)
        .optional()
}

/// Which workspaces a caller may read.
#[derive(Debug, Clone)]
pub enum ReadScope {
    All,
    /// Own workspaces plus every workspace of these organizations.
    OwnAndOrgs {
        user_id: String,
        orgs: Vec<String>,
    },
}

#[derive(Debug, Default)]
pub struct ListFilter {
    pub owner_id: Option<String>,
    /// Owner username that matched no user: the result is empty.
    pub owner_missing: bool,
    pub name_contains: Option<String>,
    pub deleted: bool,
    pub has_ai_task: Option<bool>,
    pub ids: Vec<String>,
}

impl ListFilter {
    /// The filter of a parsed `q`; `resolve_owner` maps its `owner:` value (`me`, a username
    /// or an id) to a user id, `None` when there is no such user (then nothing matches).
    pub fn from_query<E>(
        q: crate::model::query::WorkspaceQuery,
        resolve_owner: impl FnOnce(&str) -> Result<Option<String>, E>,
    ) -> Result<ListFilter, E> {
        let mut f = ListFilter {
            name_contains: q.name,
            deleted: q.deleted,
            has_ai_task: q.has_ai_task,
            ids: q.ids,
            ..Default::default()
        };
        if let Some(owner) = q.owner.as_deref() {
            match resolve_owner(owner)? {
                Some(id) => f.owner_id = Some(id),
                None => f.owner_missing = true,
            }
        }
        Ok(f)
    }
}

/// The WHERE clause (no `WHERE`) of `list`; only values travel as parameters.
pub fn where_sql(scope: &ReadScope, f: &ListFilter, p: &mut Params) -> String {
    let mut w = vec![format!("w.deleted = {}", p.push(f.deleted))];
    if let ReadScope::OwnAndOrgs { user_id, orgs } = scope {
        let me = p.push(user_id.clone());
        let list = p.push_list(orgs);
        w.push(format!(
            "(w.owner_id = {me} OR w.organization_id IN {list})"
        ));
    }
    if f.owner_missing {
        w.push("0 = 1".into());
    }
    if let Some(o) = &f.owner_id {
        w.push(format!("w.owner_id = {}", p.push(o.clone())));
    }
    if let Some(n) = &f.name_contains {
        w.push(super::contains_sql("lower(w.name)", n, true, p));
    }
    if let Some(ai) = f.has_ai_task {
        let exists = "EXISTS (SELECT 1 FROM workspace_builds ab WHERE ab.workspace_id = w.id AND ab.has_ai_task = 1)";
        w.push(if ai {
            exists.to_string()
        } else {
            format!("NOT {exists}")
        });
    }
    if !f.ids.is_empty() {
        w.push(format!("w.id IN {}", p.push_list(&f.ids)));
    }
    w.join(" AND ")
}

/// One page ordered by owner username, then name; `limit` 0 = all.
pub fn list(
    conn: &Tx,
    scope: &ReadScope,
    f: &ListFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<Workspace>, i64)> {
    let mut p = Params::default();
    let w = where_sql(scope, f, &mut p);
    let count: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM workspaces w WHERE {w}"))?
        .query_row(p.as_params(), |r| r.get(0))?;
    let lim = p.push(if limit > 0 { limit } else { i64::MAX }); // none: the largest
    let off = p.push(offset);
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {w} ORDER BY lower(ou.username), lower(w.name), w.id \
         LIMIT {lim} OFFSET {off}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), workspace_from_row)?;
    Ok((rows.collect::<DbResult<Vec<_>>>()?, count))
}

/// Whether the owner already has a live workspace with this name (case-insensitive).
pub fn live_name_taken(conn: &Tx, owner_id: &str, name: &str) -> DbResult<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM workspaces WHERE owner_id = ?1 AND lower(name) = lower(?2) AND deleted = 0)",
    )?
    .query_row(params![owner_id, name], |r| r.get(0))
}

pub struct NewWorkspace<'a> {
    pub id: &'a str,
    pub owner_id: &'a str,
    pub organization_id: &'a str,
    pub name: &'a str,
    pub now: i64,
}

pub fn insert(conn: &Tx, w: &NewWorkspace) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO workspaces (id, owner_id, organization_id, name, created_at, updated_at, last_used_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5)",
    )?
    .execute(params![w.id, w.owner_id, w.organization_id, w.name, w.now])?;
    Ok(())
}

pub struct NewBuild<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub transition: &'a str,
    pub initiator_id: &'a str,
    pub reason: &'a str,
    pub has_ai_task: bool,
    pub job_id: &'a str,
    pub now: i64,
}

/// Inserts the next build (number = latest + 1) and returns its number.
pub fn insert_build(conn: &Tx, b: &NewBuild) -> DbResult<i64> {
    let number: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(max(build_number), 0) + 1 FROM workspace_builds WHERE workspace_id = ?1",
        )?
        .query_row(params![b.workspace_id], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO workspace_builds (id, workspace_id, build_number, transition, initiator_id, \
         reason, has_ai_task, job_id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        b.id,
        b.workspace_id,
        number,
        b.transition,
        b.initiator_id,
        b.reason,
        b.has_ai_task,
        b.job_id,
        b.now
    ])?;
    Ok(number)
}

/// Soft-deletes a workspace (its name becomes reusable).
pub fn mark_deleted(conn: &Tx, id: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached("UPDATE workspaces SET deleted = 1, updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// Touches `updated_at`/`last_used_at` after a build.
pub fn touch(conn: &Tx, id: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached("UPDATE workspaces SET updated_at = ?2, last_used_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// A workspace's builds, newest first; `after_id` continues after that build.
pub fn builds(
    conn: &Tx,
    ws: &BuildWorkspace,
    after_id: Option<&str>,
    since: Option<i64>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<WorkspaceBuild>> {
    let mut p = Params::default();
    let wid = p.push(ws.id.clone());
    let mut w = format!("b.workspace_id = {wid}");
    if let Some(a) = after_id {
        let ph = p.push(a.to_string());
        w.push_str(&format!(
            " AND b.build_number < (SELECT build_number FROM workspace_builds WHERE id = {ph})"
        ));
    }
    if let Some(s) = since {
        w.push_str(&format!(" AND b.created_at >= {}", p.push(s)));
    }
    let lim = p.push(if limit > 0 { limit } else { i64::MAX }); // none: the largest
    let off = p.push(offset);
    let sql = format!(
        "SELECT b.id, b.build_number, b.transition, b.initiator_id, COALESCE(iu.username, ''), \
         b.reason, COALESCE(b.has_ai_task, 0), b.job_id, b.created_at, b.updated_at \
         FROM workspace_builds b LEFT JOIN users iu ON iu.id = b.initiator_id \
         WHERE {w} ORDER BY b.build_number DESC LIMIT {lim} OFFSET {off}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), |r| build_from_row(r, 0))?;
    rows.map(|b| b.map(|b| WorkspaceBuild::new(ws, &b)))
        .collect()
}

/// Whether a build with this id belongs to the workspace.
pub fn build_belongs(conn: &Tx, workspace_id: &str, build_id: &str) -> DbResult<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM workspace_builds WHERE id = ?1 AND workspace_id = ?2)",
    )?
    .query_row(params![build_id, workspace_id], |r| r.get(0))
}

impl From<&Workspace> for BuildWorkspace {
    fn from(w: &Workspace) -> Self {
        BuildWorkspace {
            id: w.id.clone(),
            name: w.name.clone(),
            owner_id: w.owner_id.clone(),
            owner_name: w.owner_name.clone(),
            owner_avatar_url: w.owner_avatar_url.clone(),
            organization_id: w.organization_id.clone(),
        }
    }
}

//! `coderlite import --coder-csv DIR --db PATH`: loads the CSV files of a Coder PostgreSQL
//! database (`COPY <table> TO ... (FORMAT csv, HEADER, NULL '\N')`, or
//! `shared/bench/dataset/gen.py`) into a new coderlite database.
//!
//! Files (all optional, at least one needed): organizations, users, organization_members
//! (derived from users and workspaces when absent), workspaces, workspace_builds,
//! aibridge_interceptions with their aibridge_token_usages, aibridge_user_prompts,
//! aibridge_tool_usages and aibridge_model_thoughts, audit_logs, connection_logs — each
//! `<table>.csv`.

pub mod build_reasons;
pub mod connection_logs;
pub mod convert;
pub mod csv_table;
pub mod tables;

use crate::store::bulk::{self, audit_counts, group, progress, Target};
use crate::store::sql::Tx;
use clap::Args;
use csv_table::Col;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Folder with the CSV files (`<table>.csv`, header row, `\N` = NULL).
    #[arg(long = "coder-csv", value_name = "DIR")]
    pub dir: PathBuf,
    /// The new SQLite database to create.
    #[arg(long, env = "CODERLITE_DB")]
    pub db: PathBuf,
    /// Replace an existing database file (only once the import has succeeded).
    #[arg(long, default_value_t = false)]
    pub force: bool,
}

const KNOWN: &[&str] = &[
    "organizations",
    "users",
    "organization_members",
    "workspaces",
    "workspace_builds",
    "aibridge_interceptions",
    "aibridge_token_usages",
    "aibridge_user_prompts",
    "aibridge_tool_usages",
    "aibridge_model_thoughts",
    "audit_logs",
    "connection_logs",
];

/// Loads one CSV file into `table` (no-op when the file is absent). Returns rows loaded.
fn load_csv(
    target: &Target,
    dir: &Path,
    table: &str,
    spec: &[Col],
    extra_cols: &[&str],
    post: impl FnMut(&mut bulk::Sink) -> Result<(), String> + Send,
) -> Result<Option<u64>, String> {
    let path = dir.join(format!("{table}.csv"));
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(None);
    };
    let mut cols = csv_table::names(spec);
    cols.extend_from_slice(extra_cols);
    let label = format!("{table}.csv");
    let n = target.load(&label, table, &cols, meta.len(), true, |sink| {
        csv_table::read(&path, spec, sink, post)
    })?;
    Ok(Some(n))
}

pub fn run(args: &ImportArgs) -> Result<(), String> {
    let started = Instant::now();
    if !args.dir.is_dir() {
        return Err(format!("{} is not a folder", args.dir.display()));
    }
    if !KNOWN
        .iter()
        .any(|t| args.dir.join(format!("{t}.csv")).is_file())
    {
        return Err(format!(
            "{} holds none of {}",
            args.dir.display(),
            KNOWN
                .iter()
                .map(|t| format!("{t}.csv"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    eprintln!(
        "importing {} into {}",
        args.dir.display(),
        args.db.display()
    );
    let target = Target::create(&args.db, args.force)?;
    let dir = &args.dir;
    let no_post = |_: &mut bulk::Sink| Ok(());

    load_csv(
        &target,
        dir,
        "organizations",
        tables::ORGANIZATIONS,
        &[],
        no_post,
    )?;
    crate::store::orgs::ensure_default(&target.tx(), crate::timefmt::now_micros())
        .map_err(|e| format!("cannot create the default organization: {e}"))?;
    load_csv(&target, dir, "users", tables::USERS, &[], no_post)?;
    let members = load_csv(
        &target,
        dir,
        "organization_members",
        tables::ORGANIZATION_MEMBERS,
        &[],
        no_post,
    )?;
    load_csv(&target, dir, "workspaces", tables::WORKSPACES, &[], no_post)?;
    if members.is_none() {
        derive_members(&target.tx())?;
    }

    let mut reasons = build_reasons::BuildReasons::default();
    load_csv(
        &target,
        dir,
        "workspace_builds",
        tables::WORKSPACE_BUILDS,
        &[],
        |row| {
            reasons.record(
                row.get_text(tables::BUILD_ID),
                row.get_text(tables::BUILD_WORKSPACE),
                row.get_int(tables::BUILD_NUMBER).unwrap_or(0),
                row.get_text(tables::BUILD_REASON),
            );
            Ok(())
        },
    )?;
    for (table, spec) in [
        ("aibridge_interceptions", tables::AIBRIDGE_INTERCEPTIONS),
        ("aibridge_token_usages", tables::AIBRIDGE_TOKEN_USAGES),
        ("aibridge_user_prompts", tables::AIBRIDGE_USER_PROMPTS),
        ("aibridge_tool_usages", tables::AIBRIDGE_TOOL_USAGES),
        ("aibridge_model_thoughts", tables::AIBRIDGE_MODEL_THOUGHTS),
    ] {
        load_csv(&target, dir, table, spec, &[], no_post)?;
    }
    let reasons = &reasons;
    let mut prev = crate::store::audit_chain::head_hash(&target.tx())
        .map_err(|e| format!("cannot read the audit chain: {e}"))?;
    let mut counts = audit_counts::AuditCounts::default();
    // The unique index on `id` is built after the load (sorting beats a million random
    // inserts), so a repeated id is caught here, where its line is known.
    let mut ids = std::collections::HashSet::<u128>::new();
    let audit_rows = load_csv(
        &target,
        dir,
        "audit_logs",
        tables::AUDIT_LOGS,
        &["build_reason", "prev_hash", "hash"],
        |row| {
            let id = row.get_text(tables::AUDIT_ID);
            let key = uuid::Uuid::parse_str(id).map_err(|e| format!("id: {e}"))?;
            if !ids.insert(key.as_u128()) {
                return Err(format!(
                    "UNIQUE constraint failed: audit_logs.id ({id} is on an earlier line too)"
                ));
            }
            let (rt, action) = (
                row.get_text(tables::AUDIT_RESOURCE_TYPE),
                row.get_text(tables::AUDIT_ACTION),
            );
            let reason = reasons.for_audit(rt, action, row.get_text(tables::AUDIT_RESOURCE_ID));
            counts.add(
                row.get_int(tables::AUDIT_TIME).unwrap_or(0),
                row.get_text(tables::AUDIT_ORG),
                rt,
                action,
                reason.unwrap_or(""),
            );
            match reason {
                Some(reason) => row.text(reason),
                None => row.null(),
            }
            row.chain_audit_row(&mut prev);
            Ok(())
        },
    )?
    .unwrap_or(0);
    counts.write(target.conn())?;
    // Day counters are rebuilt from the rows in `finish` (their trigger is off for the load).
    let mut conn_check = connection_logs::RowCheck::default();
    let conn_rows = load_csv(
        &target,
        dir,
        "connection_logs",
        tables::CONNECTION_LOGS,
        &[],
        |row| conn_check.check(row),
    )?
    .unwrap_or(0);
    // Every row was chained as it was read: when the newest row carries the hash the reader
    // computed last, the chain is whole and needs no scan (else `after_load` relinks).
    target.finish(|conn| {
        let head = crate::store::audit_chain::head_hash(conn)
            .map_err(|e| format!("cannot read the audit chain: {e}"))?;
        if head == prev {
            Ok(())
        } else {
            after_load(conn)
        }
    })?;
    let total = started.elapsed().as_secs_f64();
    eprintln!(
        "imported into {} in {total:.1} s ({} audit rows, {} connection logs; {:.0} audit rows/s overall, from the start of the import to the finished file; CPU {:.1} s)",
        args.db.display(),
        group(audit_rows),
        group(conn_rows),
        audit_rows as f64 / total.max(1e-9),
        progress::cpu_secs()
    );
    Ok(())
}

/// Memberships for a dump without `organization_members`: every live user belongs to the
/// default organization, and to each organization where they own a workspace.
pub fn derive_members(conn: &Tx) -> Result<(), String> {
    crate::store::members::derive_for_load(conn)
        .map_err(|e| format!("cannot derive organization members: {e}"))
}

/// Runs on the loaded database before it is moved into place (shared with `seed`): links the
/// hash chain (the loaders chain rows as they insert them and write the audit counters,
/// whose trigger is off during the load; `rebuild` links anything left unlinked).
pub fn after_load(conn: &Tx) -> Result<(), String> {
    let t = Instant::now();
    let relinked = crate::store::audit_chain::rebuild(conn)
        .map_err(|e| format!("cannot link the audit hash chain: {e}"))?;
    eprintln!(
        "  {:<24} {:>11} relinked {:>4.2} s",
        "audit hash chain",
        group(relinked),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

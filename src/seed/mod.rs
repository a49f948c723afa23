//! `coderlite seed`: a deterministic synthetic dataset shaped like a busy Coder deployment
//! (statuses, roles, Zipf-skewed activity, a year of audit history growing over time with a
//! weekday/office-hour pattern, AI Gateway interceptions, connection logs), written through
//! the same bulk loader as `import`.

mod activity;
mod ai_activity;
mod connections;
mod gen;
mod people;
mod pick;
mod shape;

use crate::store::bulk::{group, Target};
use clap::Args;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// The new SQLite database to create.
    #[arg(long, env = "CODERLITE_DB")]
    pub db: PathBuf,
    /// Replace an existing database file (only once seeding has succeeded).
    #[arg(long, default_value_t = false)]
    pub force: bool,
    /// Users (one system user and 1 in 500 service accounts among them).
    #[arg(long, default_value_t = 1_000)]
    pub users: usize,
    /// Audit-log rows, spread over the year before 2025-07-01.
    #[arg(long = "audit-logs", default_value_t = 100_000)]
    pub audit_logs: usize,
    /// AI Gateway interceptions (in sessions and threads, with token usages, prompts, tool
    /// usages and thoughts), over the last 150 days.
    #[arg(long, default_value_t = 20_000)]
    pub interceptions: usize,
    /// Connection-log rows (agent sessions and web events on the workspaces), over the last
    /// 90 days.
    #[arg(long = "connection-logs", default_value_t = 20_000)]
    pub connection_logs: usize,
    /// Distinct interception initiators (default: 15% of the users).
    #[arg(long)]
    pub initiators: Option<usize>,
    /// Workspaces (default: 3 per user).
    #[arg(long)]
    pub workspaces: Option<usize>,
    /// Workspace builds (default: 10 per workspace).
    #[arg(long)]
    pub builds: Option<usize>,
    /// Fraction of builds that are AI-task builds.
    #[arg(long = "ai-build-fraction", default_value_t = 0.03)]
    pub ai_build_fraction: f64,
    /// Random seed: the same flags and seed give the same database.
    #[arg(long, default_value_t = 20_250_701)]
    pub seed: u64,
}

/// Resolved sizes.
pub struct Sizes {
    pub users: usize,
    pub audit_logs: usize,
    pub interceptions: usize,
    pub connection_logs: usize,
    pub initiators: usize,
    pub workspaces: usize,
    pub builds: usize,
    pub ai_build_fraction: f64,
}

impl SeedArgs {
    fn sizes(&self) -> Result<Sizes, String> {
        if self.users < 3 {
            return Err("--users must be at least 3".into());
        }
        let workspaces = self.workspaces.unwrap_or(self.users * 3).max(1);
        let s = Sizes {
            users: self.users,
            audit_logs: self.audit_logs,
            interceptions: self.interceptions,
            connection_logs: self.connection_logs,
            initiators: self.initiators.unwrap_or(self.users * 15 / 100).max(1),
            workspaces,
            builds: self.builds.unwrap_or(workspaces * 10).max(workspaces),
            ai_build_fraction: self.ai_build_fraction.clamp(0.0, 1.0),
        };
        Ok(s)
    }
}

pub fn run(args: &SeedArgs) -> Result<(), String> {
    let started = Instant::now();
    let sizes = args.sizes()?;
    eprintln!(
        "seeding {} ({} users, {} workspaces, {} builds, {} interceptions, {} audit logs, {} connection logs, seed {})",
        args.db.display(),
        group(sizes.users as u64),
        group(sizes.workspaces as u64),
        group(sizes.builds as u64),
        group(sizes.interceptions as u64),
        group(sizes.audit_logs as u64),
        group(sizes.connection_logs as u64),
        args.seed
    );
    let target = Target::create(&args.db, args.force)?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    gen::generate(&target, &mut rng, &sizes)?;
    target.finish(crate::import::after_load)?;
    eprintln!(
        "seeded {} in {:.1} s",
        args.db.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

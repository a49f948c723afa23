//! Audit-log retention (`--audit-retention`): at start-up and then every minute, removes rows
//! older than the retention in batches of `BATCH` rows, one short writer transaction per batch
//! (about 0.1 s of writer time on a large database: every delete also maintains nine indexes
//! and the count triggers), so write requests wait at most one short batch.
//!
//! Rows go in insertion (`seq`) order: a row is removed once it and every row written before
//! it are past the retention. With a correct clock that is exactly "older than the retention",
//! and it keeps the kept rows one contiguous hash chain, anchored at the oldest kept row
//! (`chain::Anchor`). Rows a configured audit stream has not delivered yet are kept until
//! delivered. Each purge leaves one audit row (system actor, action `delete`, resource type
//! `audit_log`) with the count, the time range and the `seq` range removed.

use super::Stop;
use crate::audit::{self, AuditRecord};
use crate::config::duration::HumanDuration;
use crate::db::{write_tx, Db};
use crate::error::ApiResult;
use crate::model::NIL_UUID;
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::store::audit_purge::{self, Purged};
use crate::timefmt;
use rusqlite::Connection;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Rows per transaction. Coder's dbpurge deletes 10,000 per tick on PostgreSQL; SQLite has one
/// writer, so smaller transactions keep write requests from queueing behind the purge.
pub const BATCH: usize = 1_000;
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Returns the oldest `seq` that must be kept (not yet delivered to a stream), if any.
pub type KeepFrom = dyn Fn(&Connection) -> rusqlite::Result<Option<i64>> + Send + Sync;

/// Writes the audit row for everything purged since the last record, and clears the pending
/// summary, in one transaction.
fn record(conn: &Connection, retention: HumanDuration, cutoff: i64) -> ApiResult<Option<Purged>> {
    let Some(pending) = audit_purge::pending(conn)? else {
        return Ok(None);
    };
    let mut rec = AuditRecord::new(NIL_UUID, AuditAction::Delete, ResourceType::AuditLog)
        .resource(NIL_UUID, "audit log retention");
    // `additional_fields` is a string map in Coder's types: numbers go as decimal strings.
    rec.additional_fields = json!({
        "purged_rows": pending.rows.to_string(),
        "oldest_purged_time": timefmt::format_micros(pending.oldest),
        "newest_purged_time": timefmt::format_micros(pending.newest),
        "first_purged_seq": pending.first_seq.to_string(),
        "last_purged_seq": pending.last_seq.to_string(),
        "retention": retention.to_string(),
        "cutoff": timefmt::format_micros(cutoff),
    });
    audit::insert(conn, &RequestMeta::system(), &rec)?;
    audit_purge::clear_pending(conn)?;
    Ok(Some(pending))
}

/// One purge run: batches until nothing is left to remove (or `stop`), then the audit row.
/// `keep_from` returns the oldest `seq` that must stay (undelivered to a stream), if any.
pub fn run_once(
    db: &Db,
    retention: HumanDuration,
    keep_from: &KeepFrom,
    stop: &Stop,
    purged_total: &AtomicU64,
) -> ApiResult<Option<Purged>> {
    if retention.is_zero() {
        return Ok(None);
    }
    let cutoff = timefmt::now_micros().saturating_sub(retention.as_micros());
    loop {
        let started = std::time::Instant::now();
        let mut conn = db.writer_blocking()?;
        let done = write_tx(&mut conn, |tx| {
            let keep = keep_from(tx)?;
            audit_purge::batch(tx, cutoff, keep, BATCH)
        })?;
        drop(conn);
        log::debug!(
            "audit retention batch: {} rows in {:?}",
            done.rows,
            started.elapsed()
        );
        purged_total.fetch_add(done.rows, Ordering::Relaxed);
        if (done.rows as usize) < BATCH || stop.is_stopped() {
            break;
        }
        // Let requests queued on the writer in before the next batch.
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut conn = db.writer_blocking()?;
    let recorded = write_tx(&mut conn, |tx| record(tx, retention, cutoff))?;
    if let Some(p) = &recorded {
        log::info!(
            "audit retention {retention}: removed {} rows (seq {}..={}, {} to {})",
            p.rows,
            p.first_seq,
            p.last_seq,
            timefmt::format_micros(p.oldest),
            timefmt::format_micros(p.newest)
        );
    }
    Ok(recorded)
}

/// The background loop: once now, then every `INTERVAL` until `stop`.
pub fn spawn(
    db: Db,
    retention: HumanDuration,
    keep_from: Arc<KeepFrom>,
    stop: Stop,
    purged_total: Arc<AtomicU64>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("audit-retention".into())
        .spawn(move || loop {
            if let Err(e) = run_once(&db, retention, keep_from.as_ref(), &stop, &purged_total) {
                log::error!("audit retention purge failed: {e}");
            }
            if stop.wait(INTERVAL) {
                break;
            }
        })
}

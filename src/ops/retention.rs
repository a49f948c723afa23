//! Retention (`--audit-retention`, `--connection-log-retention`): at start-up and then every
//! minute, removes rows older than the retention in batches of `BATCH` rows, one short writer
//! transaction per batch (about 0.1 s of writer time on a large database: every delete also
//! maintains the table's indexes and count triggers), so write requests wait at most one
//! short batch. Each purge leaves one audit row (system actor, action `delete`, resource type
//! `audit_log` or `connection_log`) with the count, the time range and the retention; the
//! batches' summary is kept in the database until that row is written (`purge_pending`).
//!
//! Audit rows go in insertion (`seq`) order: a row is removed once it and every row written
//! before it are past the retention. With a correct clock that is exactly "older than the
//! retention", and it keeps the kept rows one contiguous hash chain, anchored at the oldest
//! kept row (`chain::Anchor`). Rows a configured audit stream has not delivered yet are kept
//! until delivered. Connection-log rows go in `connect_time` order (Coder's
//! `DeleteOldConnectionLogs`); their day counters follow through the triggers.

use super::Stop;
use crate::audit::{self, AuditRecord};
use crate::config::duration::HumanDuration;
use crate::db::Db;
use crate::error::ApiResult;
use crate::model::NIL_UUID;
use crate::model::{AuditAction, ResourceType};
use crate::request_meta::RequestMeta;
use crate::store::audit_purge;
use crate::store::connection_log_writes;
use crate::store::purge_pending::{self, Purged};
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use crate::timefmt;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Rows per transaction. Coder's dbpurge deletes 10,000 per tick on PostgreSQL; SQLite has one
/// writer, so smaller transactions keep write requests from queueing behind the purge.
pub const BATCH: usize = 1_000;
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Returns the oldest `seq` that must be kept (not yet delivered to a stream), if any.
pub type KeepFrom = dyn Fn(&Tx) -> DbResult<Option<i64>> + Send + Sync;

/// One table retention trims.
pub trait Purge: Send + Sync {
    /// `audit log` / `connection log`: for log lines, the thread and the purge row's target.
    fn name(&self) -> &'static str;
    /// The purge row's resource type.
    fn resource_type(&self) -> ResourceType;
    /// The `settings` key of the pending summary.
    fn pending_key(&self) -> &'static str;
    /// Removes up to `limit` rows older than `cutoff` on the caller's transaction, adding
    /// them to the pending summary.
    fn batch(&self, tx: &Tx, cutoff: i64, limit: usize) -> ApiResult<Purged>;
    /// Fields of the purge row beyond the count, time range, retention and cutoff.
    fn extra_fields(&self, _p: &Purged, _fields: &mut Map<String, Value>) {}
}

/// The audit log, kept from the oldest row a stream has not delivered.
pub struct AuditLogs {
    pub keep_from: Arc<KeepFrom>,
}

impl Purge for AuditLogs {
    fn name(&self) -> &'static str {
        "audit log"
    }
    fn resource_type(&self) -> ResourceType {
        ResourceType::AuditLog
    }
    fn pending_key(&self) -> &'static str {
        audit_purge::PENDING_KEY
    }
    fn batch(&self, tx: &Tx, cutoff: i64, limit: usize) -> ApiResult<Purged> {
        let keep = (self.keep_from)(tx)?;
        audit_purge::batch(tx, cutoff, keep, limit)
    }
    fn extra_fields(&self, p: &Purged, fields: &mut Map<String, Value>) {
        fields.insert("first_purged_seq".into(), json!(p.first_seq.to_string()));
        fields.insert("last_purged_seq".into(), json!(p.last_seq.to_string()));
    }
}

/// Connection logs, by connect time.
pub struct ConnectionLogs;

impl Purge for ConnectionLogs {
    fn name(&self) -> &'static str {
        "connection log"
    }
    fn resource_type(&self) -> ResourceType {
        ResourceType::ConnectionLog
    }
    fn pending_key(&self) -> &'static str {
        connection_log_writes::PURGE_PENDING_KEY
    }
    fn batch(&self, tx: &Tx, cutoff: i64, limit: usize) -> ApiResult<Purged> {
        connection_log_writes::delete_before(tx, cutoff, limit as i64)
    }
}

/// Writes the audit row for everything purged since the last record, and clears the pending
/// summary, in one transaction.
fn record(
    conn: &Tx,
    purge: &dyn Purge,
    retention: HumanDuration,
    cutoff: i64,
) -> ApiResult<Option<Purged>> {
    let Some(pending) = purge_pending::get(conn, purge.pending_key())? else {
        return Ok(None);
    };
    let mut rec = AuditRecord::new(NIL_UUID, AuditAction::Delete, purge.resource_type())
        .resource(NIL_UUID, &format!("{} retention", purge.name()));
    // `additional_fields` is a string map in Coder's types: numbers go as decimal strings.
    let mut fields = Map::new();
    fields.insert("purged_rows".into(), json!(pending.rows.to_string()));
    fields.insert(
        "oldest_purged_time".into(),
        json!(timefmt::format_micros(pending.oldest)),
    );
    fields.insert(
        "newest_purged_time".into(),
        json!(timefmt::format_micros(pending.newest)),
    );
    purge.extra_fields(&pending, &mut fields);
    fields.insert("retention".into(), json!(retention.to_string()));
    fields.insert("cutoff".into(), json!(timefmt::format_micros(cutoff)));
    rec.additional_fields = Value::Object(fields);
    audit::insert(conn, &RequestMeta::system(), &rec)?;
    purge_pending::clear(conn, purge.pending_key())?;
    Ok(Some(pending))
}

/// One purge run: batches until nothing is left to remove (or `stop`), then the audit row.
pub fn run_once(
    db: &Db,
    retention: HumanDuration,
    purge: &dyn Purge,
    stop: &Stop,
    purged_total: &AtomicU64,
) -> ApiResult<Option<Purged>> {
    if retention.is_zero() {
        return Ok(None);
    }
    // One process at a time purges (the others skip this round).
    let mut leader = db.leader(&format!("retention:{}", purge.name()));
    if !leader.hold()? {
        return Ok(None);
    }
    let cutoff = timefmt::now_micros().saturating_sub(retention.as_micros());
    loop {
        let started = std::time::Instant::now();
        let done = db.write_blocking(|tx| purge.batch(tx, cutoff, BATCH))?;
        log::debug!(
            "{} retention batch: {} rows in {:?}",
            purge.name(),
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
    let recorded = db.write_blocking(|tx| record(tx, purge, retention, cutoff))?;
    if let Some(p) = &recorded {
        log::info!(
            "{} retention {retention}: removed {} rows (seq {}..={}, {} to {})",
            purge.name(),
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
    purge: Arc<dyn Purge>,
    stop: Stop,
    purged_total: Arc<AtomicU64>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("{}-retention", purge.name().replace(' ', "-")))
        .spawn(move || loop {
            if let Err(e) = run_once(&db, retention, purge.as_ref(), &stop, &purged_total) {
                log::error!("{} retention purge failed: {e}", purge.name());
            }
            if stop.wait(INTERVAL) {
                break;
            }
        })
}

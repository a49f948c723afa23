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
use crate::db::{write_tx, Db};
use crate::error::ApiResult;
use crate::model::NIL_UUID;
use crate::ops::duration::HumanDuration;
use crate::request_meta::RequestMeta;
use crate::store::audit_chain as chain;
use crate::store::settings;
use crate::timefmt;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Rows per transaction. Coder's dbpurge deletes 10,000 per tick on PostgreSQL; SQLite has one
/// writer, so smaller transactions keep write requests from queueing behind the purge.
pub const BATCH: usize = 1_000;
pub const INTERVAL: Duration = Duration::from_secs(60);
/// Summary of batches removed but not yet recorded (survives a crash between batches).
const PENDING_KEY: &str = "audit_purge_pending";
pub const RESOURCE_TYPE: &str = "audit_log";

/// Returns the oldest `seq` that must be kept (not yet delivered to a stream), if any.
pub type KeepFrom = dyn Fn(&Connection) -> rusqlite::Result<Option<i64>> + Send + Sync;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Purged {
    pub rows: u64,
    pub first_seq: i64,
    pub last_seq: i64,
    pub oldest: i64,
    pub newest: i64,
}

impl Purged {
    fn merge(&mut self, other: &Purged) {
        if self.rows == 0 {
            *self = other.clone();
            return;
        }
        self.rows += other.rows;
        self.first_seq = self.first_seq.min(other.first_seq);
        self.last_seq = self.last_seq.max(other.last_seq);
        self.oldest = self.oldest.min(other.oldest);
        self.newest = self.newest.max(other.newest);
    }
}

/// Removes one batch from the head of the log: rows older than `cutoff`, in `seq` order, up to
/// `keep_from` (exclusive) when given. Moves the chain anchor in the same transaction.
fn purge_batch(conn: &Connection, cutoff: i64, keep_from: Option<i64>) -> ApiResult<Purged> {
    let mut done = Purged::default();
    let mut last_hash = None;
    {
        let mut stmt =
            conn.prepare_cached("SELECT seq, time, hash FROM audit_logs ORDER BY seq LIMIT ?1")?;
        let mut rows = stmt.query(params![BATCH as i64])?;
        while let Some(r) = rows.next()? {
            let (seq, time, hash): (i64, i64, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if time >= cutoff || keep_from.is_some_and(|k| seq >= k) {
                break;
            }
            let one = Purged {
                rows: 1,
                first_seq: seq,
                last_seq: seq,
                oldest: time,
                newest: time,
            };
            done.merge(&one);
            last_hash = Some(hash.unwrap_or_else(|| chain::GENESIS.to_string()));
        }
    }
    let Some(prev_hash) = last_hash else {
        return Ok(done);
    };
    conn.prepare_cached("DELETE FROM audit_logs WHERE seq <= ?1")?
        .execute(params![done.last_seq])?;
    chain::set_anchor(
        conn,
        &chain::Anchor {
            after_seq: done.last_seq,
            prev_hash,
        },
    )?;
    let mut pending: Purged = settings::get(conn, PENDING_KEY)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    pending.merge(&done);
    settings::set(conn, PENDING_KEY, &serde_json::to_string(&pending)?)?;
    Ok(done)
}

/// Writes the audit row for everything purged since the last record, and clears the pending
/// summary, in one transaction.
fn record(conn: &Connection, retention: HumanDuration, cutoff: i64) -> ApiResult<Option<Purged>> {
    let Some(pending) = settings::get(conn, PENDING_KEY)?
        .and_then(|v| serde_json::from_str::<Purged>(&v).ok())
        .filter(|p| p.rows > 0)
    else {
        return Ok(None);
    };
    let mut rec = AuditRecord::new(NIL_UUID, "delete", RESOURCE_TYPE)
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
    settings::delete(conn, PENDING_KEY)?;
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
            purge_batch(tx, cutoff, keep)
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

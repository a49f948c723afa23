//! Audit streaming: every committed audit row goes to each configured sink (the webhook,
//! stdout), in `seq` order, at least once. The outbox is the log itself: the log is
//! append-only and `seq` grows, so each sink keeps a delivered-`seq` cursor in `settings`.
//! A restart resumes after the cursor; a failed delivery is retried with exponential backoff
//! until it succeeds (the cursor never skips a row). Retention keeps undelivered rows.

use super::stream_json::{rows_after, StreamRow};
use super::Stop;
use crate::config::StreamStart;
use crate::db::Db;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use crate::store::{audit_seq, settings};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often an idle sink looks for new rows.
const POLL: Duration = Duration::from_millis(250);
const BATCH: i64 = 100;
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(250);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Where rows go.
pub trait Sink: Send {
    fn deliver(&mut self, row: &StreamRow) -> Result<(), String>;
}

/// `--audit-webhook URL`: one POST per row, body = the row's `AuditLog` JSON. Headers:
/// `X-Coderlite-Audit-Seq`, `X-Coderlite-Audit-Id` (deduplicate on it: delivery is at least
/// once) and `X-Coderlite-Audit-Hash` (the row's chain hash). Any 2xx is success.
pub struct WebhookSink {
    agent: ureq::Agent,
    url: String,
}

impl WebhookSink {
    /// Refuses what is not an `http://` or `https://` URL at start-up, rather than by failing
    /// every delivery forever.
    pub fn check_url(url: &str) -> Result<(), String> {
        let lower = url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        if rest.is_none_or(str::is_empty) {
            return Err(format!(
                "--audit-webhook: {} is not an http:// or https:// URL",
                crate::config::file::redact_url(url)
            ));
        }
        Ok(())
    }

    /// A sink posting to `url`. `https://` URLs are verified against the built-in Mozilla
    /// roots, or only against the CA certificates of the PEM file `ca` when given.
    pub fn new(url: &str, ca: Option<&Path>) -> Result<Self, String> {
        let mut agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirects(0)
            .user_agent(concat!("coderlite/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = ca {
            agent = agent.tls_config(Arc::new(tls_trusting(ca)?));
        }
        Ok(WebhookSink {
            agent: agent.build(),
            url: url.to_string(),
        })
    }
}

/// A TLS client configuration that trusts exactly the CA certificates in the PEM file `ca`.
fn tls_trusting(ca: &Path) -> Result<rustls::ClientConfig, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;
    let what = |e: &dyn std::fmt::Display| format!("--audit-webhook-ca {}: {e}", ca.display());
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).map_err(|e| what(&e))? {
        roots
            .add(cert.map_err(|e| what(&e))?)
            .map_err(|e| what(&e))?;
    }
    if roots.is_empty() {
        return Err(what(&"no certificate in the file"));
    }
    Ok(rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Sink for WebhookSink {
    fn deliver(&mut self, row: &StreamRow) -> Result<(), String> {
        let resp = self
            .agent
            .post(&self.url)
            .set("Content-Type", "application/json")
            .set("X-Coderlite-Audit-Seq", &row.seq.to_string())
            .set("X-Coderlite-Audit-Id", &row.id)
            .set("X-Coderlite-Audit-Hash", row.hash.as_deref().unwrap_or(""))
            .send_string(&row.json);
        match resp {
            Ok(r) if (200..300).contains(&r.status()) => Ok(()),
            Ok(r) => Err(format!("HTTP {}", r.status())),
            Err(ureq::Error::Status(code, _)) => Err(format!("HTTP {code}")),
            // The transport error text never includes the URL's credentials.
            Err(ureq::Error::Transport(t)) => Err(format!("{}", t.kind())),
        }
    }
}

/// `--audit-log-stdout` (or any writer in tests): one JSON line per row.
pub struct LineSink {
    out: Box<dyn Write + Send>,
}

impl LineSink {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        LineSink { out }
    }

    pub fn stdout() -> Self {
        LineSink::new(Box::new(std::io::stdout()))
    }
}

impl Sink for LineSink {
    fn deliver(&mut self, row: &StreamRow) -> Result<(), String> {
        writeln!(self.out, "{}", row.json)
            .and_then(|_| self.out.flush())
            .map_err(|e| e.to_string())
    }
}

/// Live counters of one sink, for `/metrics`.
#[derive(Debug)]
pub struct SinkStats {
    pub name: &'static str,
    pub cursor_key: String,
    /// Last delivered `seq` (in memory; persisted every batch).
    pub cursor: AtomicI64,
    pub delivered: AtomicU64,
    pub failures: AtomicU64,
}

impl SinkStats {
    pub fn new(name: &'static str) -> Self {
        SinkStats {
            name,
            cursor_key: format!("audit_stream_cursor.{name}"),
            cursor: AtomicI64::new(0),
            delivered: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        }
    }
}

/// Loads the sink's cursor. A sink seen for the first time starts before the oldest kept row
/// (`StreamStart::Oldest`) or at the current end of the log (`StreamStart::Now`).
pub fn init_cursor(db: &Db, stats: &SinkStats, start: StreamStart) -> Result<i64, String> {
    let cursor = db
        .write_blocking(|tx| {
            if let Some(c) = settings::get_i64(tx, &stats.cursor_key)? {
                return Ok(c);
            }
            let (oldest, newest) = audit_seq::bounds(tx)?;
            let c = match start {
                StreamStart::Oldest => (oldest - 1).max(0),
                StreamStart::Now => newest,
            };
            settings::set(tx, &stats.cursor_key, &c.to_string())?;
            Ok(c)
        })
        .map_err(|e| format!("cannot initialise audit stream {}: {e}", stats.name))?;
    stats.cursor.store(cursor, Ordering::SeqCst);
    Ok(cursor)
}

/// Oldest `seq` some configured sink has not delivered yet (retention keeps it and all newer).
pub fn oldest_undelivered(conn: &Tx, keys: &[String]) -> DbResult<Option<i64>> {
    let mut oldest: Option<i64> = None;
    for k in keys {
        let c = settings::get_i64(conn, k)?.unwrap_or(0);
        oldest = Some(oldest.map_or(c + 1, |o: i64| o.min(c + 1)));
    }
    Ok(oldest)
}

fn persist(db: &Db, stats: &SinkStats, cursor: i64) {
    let result = db.write_blocking(|tx| Ok(settings::raise_i64(tx, &stats.cursor_key, cursor)?));
    if let Err(e) = result {
        log::warn!(
            "audit stream {}: cannot save cursor {cursor}: {e}",
            stats.name
        );
    }
}

/// The delivery loop of one sink; returns when `stop` is set.
pub fn run(db: Db, mut sink: Box<dyn Sink>, stats: Arc<SinkStats>, stop: Stop) {
    let mut cursor = stats.cursor.load(Ordering::SeqCst);
    let mut saved = cursor;
    let mut leader = db.leader(&format!("audit-stream:{}", stats.name));
    let mut leading = false;
    'outer: while !stop.is_stopped() {
        // One deliverer per sink across every process on the database: the others wait, and
        // the first to get the lock after the holder dies goes on from the saved cursor.
        let held = leader.hold().unwrap_or_else(|e| {
            log::warn!("audit stream {}: cannot take the lead: {e}", stats.name);
            false
        });
        if !held {
            leading = false;
            if stop.wait(POLL) {
                break;
            }
            continue;
        }
        if !leading {
            let key = stats.cursor_key.clone();
            match db.read_blocking(|tx| Ok(settings::get_i64(tx, &key)?)) {
                Ok(c) => {
                    if let Some(c) = c.filter(|c| *c > cursor) {
                        cursor = c;
                        saved = c;
                        stats.cursor.store(c, Ordering::SeqCst);
                    }
                    leading = true;
                }
                Err(e) => {
                    log::warn!("audit stream {}: cannot read the cursor: {e}", stats.name);
                    if stop.wait(Duration::from_secs(1)) {
                        break;
                    }
                    continue;
                }
            }
        }
        let batch = db.read_blocking(|tx| Ok(rows_after(tx, cursor, BATCH)?));
        let rows = match batch {
            Ok(rows) => rows,
            Err(e) => {
                log::warn!("audit stream {}: cannot read rows: {e}", stats.name);
                if stop.wait(Duration::from_secs(1)) {
                    break;
                }
                continue;
            }
        };
        if rows.is_empty() {
            if stop.wait(POLL) {
                break;
            }
            continue;
        }
        for row in rows {
            let mut backoff = INITIAL_BACKOFF;
            while let Err(e) = sink.deliver(&row) {
                stats.failures.fetch_add(1, Ordering::Relaxed);
                log::warn!(
                    "audit stream {}: delivering row seq {} failed ({e}); retrying in {:?}",
                    stats.name,
                    row.seq,
                    backoff
                );
                if saved != cursor {
                    persist(&db, &stats, cursor);
                    saved = cursor;
                }
                if stop.wait(backoff) {
                    break 'outer;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            cursor = row.seq;
            stats.cursor.store(cursor, Ordering::SeqCst);
            stats.delivered.fetch_add(1, Ordering::Relaxed);
        }
        persist(&db, &stats, cursor);
        saved = cursor;
    }
    if saved != cursor {
        persist(&db, &stats, cursor);
    }
}

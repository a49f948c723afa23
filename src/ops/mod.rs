//! Operations: retention, online backup, audit streaming, metrics and the configuration file.
//! Background jobs belong to `Runtime`, which the server holds as app data: when the server
//! shuts down and drops it, the jobs are told to stop and are joined.

pub mod metrics;
pub mod retention;
pub mod stream;
pub mod stream_json;

use crate::state::AppState;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A stop signal background threads wait on.
#[derive(Clone, Default)]
pub struct Stop(Arc<(Mutex<bool>, Condvar)>);

impl Stop {
    pub fn stop(&self) {
        let (lock, cv) = &*self.0;
        if let Ok(mut s) = lock.lock() {
            *s = true;
        }
        cv.notify_all();
    }

    pub fn is_stopped(&self) -> bool {
        self.0 .0.lock().map(|s| *s).unwrap_or(true)
    }

    /// Sleeps up to `d`; returns true as soon as the signal is set.
    pub fn wait(&self, d: Duration) -> bool {
        let (lock, cv) = &*self.0;
        let Ok(guard) = lock.lock() else { return true };
        match cv.wait_timeout_while(guard, d, |stopped| !*stopped) {
            Ok((s, _)) => *s,
            Err(_) => true,
        }
    }
}

/// Background jobs and live counters of one running server.
pub struct Runtime {
    pub metrics: metrics::Metrics,
    pub sinks: Vec<Arc<stream::SinkStats>>,
    /// One online backup at a time.
    pub backup_lock: Mutex<()>,
    stop: Stop,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Runtime {
    /// Starts the jobs `state.config` asks for: audit streams (webhook, stdout) and retention
    /// (audit and connection logs).
    pub fn start(state: &AppState) -> Result<Runtime, String> {
        let cfg = &state.config;
        let mut sinks: Vec<(Arc<stream::SinkStats>, Box<dyn stream::Sink>)> = Vec::new();
        if let Some(url) = cfg.audit_webhook.as_deref().filter(|u| !u.is_empty()) {
            stream::WebhookSink::check_url(url)?;
            let sink = stream::WebhookSink::new(url, cfg.audit_webhook_ca.as_deref())?;
            sinks.push((Arc::new(stream::SinkStats::new("webhook")), Box::new(sink)));
        }
        if cfg.audit_log_stdout {
            sinks.push((
                Arc::new(stream::SinkStats::new("stdout")),
                Box::new(stream::LineSink::stdout()),
            ));
        }
        let rt = Runtime {
            metrics: metrics::Metrics::default(),
            sinks: sinks.iter().map(|(s, _)| s.clone()).collect(),
            backup_lock: Mutex::new(()),
            stop: Stop::default(),
            threads: Mutex::new(Vec::new()),
        };
        let mut threads = Vec::new();
        for (stats, sink) in sinks {
            // On a thread of its own: `serve` runs inside the async runtime, where the
            // PostgreSQL client cannot block.
            std::thread::scope(|t| {
                t.spawn(|| stream::init_cursor(&state.db, &stats, cfg.audit_stream_start))
                    .join()
                    .map_err(|_| "the audit stream's cursor could not be read".to_string())?
            })?;
            let (db, stop) = (state.db.clone(), rt.stop.clone());
            threads.push(
                std::thread::Builder::new()
                    .name(format!("audit-stream-{}", stats.name))
                    .spawn(move || stream::run(db, sink, stats, stop))
                    .map_err(|e| e.to_string())?,
            );
        }
        let keys: Vec<String> = rt.sinks.iter().map(|s| s.cursor_key.clone()).collect();
        let audit: Arc<dyn retention::Purge> = Arc::new(retention::AuditLogs {
            keep_from: Arc::new(move |conn| stream::oldest_undelivered(conn, &keys)),
        });
        let purges = [
            (cfg.audit_retention, audit, &rt.metrics.purged_total),
            (
                cfg.connection_log_retention,
                Arc::new(retention::ConnectionLogs) as Arc<dyn retention::Purge>,
                &rt.metrics.connection_logs_purged_total,
            ),
        ];
        for (keep, purge, total) in purges {
            if keep.is_zero() {
                continue;
            }
            threads.push(
                retention::spawn(
                    state.db.clone(),
                    keep,
                    purge,
                    rt.stop.clone(),
                    total.clone(),
                )
                .map_err(|e| e.to_string())?,
            );
        }
        if let Ok(mut t) = rt.threads.lock() {
            *t = threads;
        }
        Ok(rt)
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop.stop();
        if let Ok(mut threads) = self.threads.lock() {
            for t in threads.drain(..) {
                let _ = t.join();
            }
        }
    }
}

//! Prometheus metrics: HTTP requests by route pattern (never raw paths), latency histograms,
//! pool waits and sizes, audit rows, stream backlog and AI seats. Names follow Coder's where
//! Coder has the metric (`coderd_api_*`, `coderd_dbpurge_*`); the rest are `coderlite_*`.

use super::Runtime;
use crate::state::AppState;
use crate::store::audit_seq;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Coder's `coderd_api_request_latencies_seconds` buckets.
const LATENCY_BUCKETS: [f64; 11] = [
    0.001, 0.005, 0.010, 0.025, 0.050, 0.100, 0.500, 1.0, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Latency {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Http {
    /// (method, route, status) → count
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency
    latency: BTreeMap<(String, String), Latency>,
}

#[derive(Default)]
pub struct Metrics {
    http: Mutex<Http>,
    in_flight: AtomicI64,
    /// Audit rows removed by retention since start.
    pub purged_total: std::sync::Arc<AtomicU64>,
    /// Connection-log rows removed by retention since start.
    pub connection_logs_purged_total: std::sync::Arc<AtomicU64>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let Ok(mut h) = self.http.lock() else { return };
        *h.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let l = h
            .latency
            .entry((method.to_string(), route.to_string()))
            .or_default();
        for (i, le) in LATENCY_BUCKETS.iter().enumerate() {
            if secs <= *le {
                l.buckets[i] += 1;
            }
        }
        l.count += 1;
        l.sum += secs;
    }
}

/// Middleware: counts every request under its route pattern (`/api/v2/users/{user}`), or
/// `unmatched` when no route matched.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let runtime = req.app_data::<web::Data<Runtime>>().cloned();
    let start = Instant::now();
    let method = req.method().to_string();
    if let Some(rt) = &runtime {
        rt.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    }
    let res = next.call(req).await;
    if let Some(rt) = &runtime {
        rt.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
        let (route, status) = match &res {
            Ok(r) => (
                r.request()
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".into()),
                r.status().as_u16(),
            ),
            Err(e) => (
                "unmatched".into(),
                e.as_response_error().status_code().as_u16(),
            ),
        };
        rt.metrics
            .observe(&method, &route, status, start.elapsed().as_secs_f64());
    }
    res
}

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn histogram(
    out: &mut String,
    name: &str,
    labels: &str,
    bounds: &[f64],
    cumulative: &[u64],
    count: u64,
    sum: f64,
) {
    let sep = if labels.is_empty() { "" } else { "," };
    for (le, n) in bounds.iter().zip(cumulative) {
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {n}");
    }
    let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
    let braces = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    let _ = writeln!(out, "{name}_sum{braces} {sum}");
    let _ = writeln!(out, "{name}_count{braces} {count}");
}

/// Database-derived values, read on a reader connection at scrape time.
pub struct DbFigures {
    pub audit_rows_written: i64,
    pub audit_rows_kept: i64,
    pub seats_in_use: i64,
    /// (sink, rows not yet delivered)
    pub backlog: Vec<(&'static str, i64)>,
}

pub fn db_figures(conn: &Tx, rt: &Runtime) -> DbResult<DbFigures> {
    let (first, written) = audit_seq::bounds(conn)?;
    let mut backlog = Vec::new();
    for s in &rt.sinks {
        let n = audit_seq::count_after(conn, s.cursor.load(Ordering::SeqCst))?;
        backlog.push((s.name, n));
    }
    Ok(DbFigures {
        audit_rows_written: written,
        audit_rows_kept: if written == 0 { 0 } else { written - first + 1 },
        seats_in_use: crate::store::ai_seats::active_seat_count(conn)?,
        backlog,
    })
}

/// The Prometheus text exposition.
pub fn render(rt: &Runtime, state: &AppState, f: &DbFigures) -> String {
    let mut out = String::with_capacity(8192);
    let m = &rt.metrics;
    if let Ok(h) = m.http.lock() {
        header(
            &mut out,
            "coderd_api_requests_processed_total",
            "counter",
            "The total number of processed API requests.",
        );
        for ((method, route, code), n) in &h.requests {
            let _ = writeln!(
                out,
                "coderd_api_requests_processed_total{{code=\"{code}\",method=\"{}\",path=\"{}\"}} {n}",
                esc(method),
                esc(route)
            );
        }
        header(
            &mut out,
            "coderd_api_request_latencies_seconds",
            "histogram",
            "Latency distribution of requests in seconds.",
        );
        for ((method, route), l) in &h.latency {
            let labels = format!("method=\"{}\",path=\"{}\"", esc(method), esc(route));
            histogram(
                &mut out,
                "coderd_api_request_latencies_seconds",
                &labels,
                &LATENCY_BUCKETS,
                &l.buckets,
                l.count,
                l.sum,
            );
        }
    }
    header(
        &mut out,
        "coderd_api_concurrent_requests",
        "gauge",
        "The number of concurrent API requests.",
    );
    let _ = writeln!(
        out,
        "coderd_api_concurrent_requests {}",
        m.in_flight.load(Ordering::Relaxed)
    );

    header(
        &mut out,
        "coderlite_db_pool_connections",
        "gauge",
        "Database connections by pool and state.",
    );
    for (pool, (idle, total)) in [
        ("read", state.db.reader_state()),
        ("write", state.db.writer_state()),
    ] {
        let _ = writeln!(
            out,
            "coderlite_db_pool_connections{{pool=\"{pool}\",state=\"idle\"}} {idle}"
        );
        let _ = writeln!(
            out,
            "coderlite_db_pool_connections{{pool=\"{pool}\",state=\"in_use\"}} {}",
            total.saturating_sub(idle)
        );
    }
    header(
        &mut out,
        "coderlite_db_pool_wait_seconds",
        "histogram",
        "Time spent waiting for a database connection.",
    );
    let stats = state.db.pool_stats();
    for (pool, h) in [("read", &stats.reader_wait), ("write", &stats.writer_wait)] {
        let (buckets, count, sum) = h.snapshot();
        histogram(
            &mut out,
            "coderlite_db_pool_wait_seconds",
            &format!("pool=\"{pool}\""),
            &crate::db::stats::BUCKETS,
            &buckets,
            count,
            sum,
        );
    }

    header(
        &mut out,
        "coderlite_audit_rows_written_total",
        "counter",
        "Audit rows ever written to this database (the newest seq).",
    );
    let _ = writeln!(
        out,
        "coderlite_audit_rows_written_total {}",
        f.audit_rows_written
    );
    header(
        &mut out,
        "coderlite_audit_rows",
        "gauge",
        "Audit rows currently kept.",
    );
    let _ = writeln!(out, "coderlite_audit_rows {}", f.audit_rows_kept);
    header(
        &mut out,
        "coderd_dbpurge_records_purged_total",
        "counter",
        "Records removed by retention since start.",
    );
    for (record_type, n) in [
        ("audit_logs", &m.purged_total),
        ("connection_logs", &m.connection_logs_purged_total),
    ] {
        let _ = writeln!(
            out,
            "coderd_dbpurge_records_purged_total{{record_type=\"{record_type}\"}} {}",
            n.load(Ordering::Relaxed)
        );
    }

    header(
        &mut out,
        "coderlite_audit_stream_backlog_rows",
        "gauge",
        "Committed audit rows not yet delivered, by sink.",
    );
    for (sink, n) in &f.backlog {
        let _ = writeln!(
            out,
            "coderlite_audit_stream_backlog_rows{{sink=\"{sink}\"}} {n}"
        );
    }
    header(
        &mut out,
        "coderlite_audit_stream_delivered_total",
        "counter",
        "Audit rows delivered since start, by sink.",
    );
    for s in &rt.sinks {
        let _ = writeln!(
            out,
            "coderlite_audit_stream_delivered_total{{sink=\"{}\"}} {}",
            s.name,
            s.delivered.load(Ordering::Relaxed)
        );
    }
    header(
        &mut out,
        "coderlite_audit_stream_failures_total",
        "counter",
        "Failed delivery attempts since start, by sink.",
    );
    for s in &rt.sinks {
        let _ = writeln!(
            out,
            "coderlite_audit_stream_failures_total{{sink=\"{}\"}} {}",
            s.name,
            s.failures.load(Ordering::Relaxed)
        );
    }

    header(
        &mut out,
        "coderlite_ai_seats_in_use",
        "gauge",
        "Active users holding an AI seat.",
    );
    let _ = writeln!(out, "coderlite_ai_seats_in_use {}", f.seats_in_use);
    header(
        &mut out,
        "coderlite_ai_seats_limit",
        "gauge",
        "Licensed AI seats (0 = not entitled).",
    );
    let _ = writeln!(
        out,
        "coderlite_ai_seats_limit {}",
        state.config.ai_seat_limit
    );
    out
}

//! How long callers wait for a pooled connection, per pool, as a Prometheus histogram.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds (seconds) of the wait histogram buckets.
pub const BUCKETS: [f64; 9] = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0];

#[derive(Debug, Default)]
pub struct WaitHistogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl WaitHistogram {
    /// Runs `get` and records how long it took.
    pub fn time<T>(&self, get: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = get();
        let secs = start.elapsed().as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_nanos
            .fetch_add((secs * 1e9) as u64, Ordering::Relaxed);
        out
    }

    /// (cumulative bucket counts, count, sum in seconds).
    pub fn snapshot(&self) -> (Vec<u64>, u64, f64) {
        (
            self.buckets
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .collect(),
            self.count.load(Ordering::Relaxed),
            self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        )
    }
}

#[derive(Debug, Default)]
pub struct PoolStats {
    pub reader_wait: WaitHistogram,
    pub writer_wait: WaitHistogram,
}

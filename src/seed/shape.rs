//! What the seed generators share: the fixed time frame of the history, its calendar, and
//! the workspaces and builds that later tables refer to.

use super::pick::Weighted;
use crate::model::BuildReason;
pub(super) use crate::timefmt::{DAY_MICROS as DAY, HOUR_MICROS as HOUR};
use rand::Rng;
/// Fixed end of the history (2025-07-01T00:00:00Z) so output does not depend on "now".
pub(super) const END: i64 = 1_751_328_000_000_000;
pub(super) const NIL: &str = crate::model::NIL_UUID;

/// The build reasons the generator draws from (by index), in the dataset's fixed order.
pub(super) const REASONS: &[BuildReason] = &[
    BuildReason::Initiator,
    BuildReason::Autostart,
    BuildReason::Autostop,
    BuildReason::Dashboard,
    BuildReason::Cli,
    BuildReason::SshConnection,
    BuildReason::VscodeConnection,
    BuildReason::Dormancy,
    BuildReason::Autodelete,
];

pub(super) struct Workspace {
    pub(super) id: String,
    pub(super) owner: usize,
    pub(super) org: usize,
    pub(super) name: String,
    pub(super) created: i64,
    pub(super) end: i64,
}

pub(super) struct Build {
    pub(super) id: String,
    pub(super) ws: u32,
    pub(super) reason: u8,
}

/// When activity happens in the last `days` days before `END`: growing ×2.3 over the period,
/// quiet weekends, office hours (UTC).
pub(super) struct Calendar {
    start: i64,
    day_w: Weighted,
    hour_w: Weighted,
}

impl Calendar {
    pub(super) fn new(days: usize) -> Calendar {
        let start = END - days as i64 * DAY;
        let last = days.saturating_sub(1).max(1) as f64;
        // Day 0 of the Unix epoch was a Thursday: weekday 0 = Monday.
        let weekday = |d: usize| (start.div_euclid(DAY) + d as i64 + 3).rem_euclid(7);
        Calendar {
            start,
            day_w: Weighted::new(
                (0..days).map(|d| {
                    (0.6 + 0.8 * d as f64 / last) * if weekday(d) >= 5 { 0.3 } else { 1.0 }
                }),
            ),
            hour_w: Weighted::new([
                0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.5, 3.8, 3.6, 3.0, 3.4, 3.6, 3.5,
                3.2, 2.6, 1.6, 1.0, 0.7, 0.5, 0.4, 0.3,
            ]),
        }
    }

    /// A time drawn from the calendar.
    pub(super) fn at(&self, rng: &mut impl Rng) -> i64 {
        self.start
            + self.day_w.pick(rng) as i64 * DAY
            + self.hour_w.pick(rng) as i64 * HOUR
            + rng.gen_range(0..HOUR)
    }

    /// `n` times drawn from the calendar, oldest first.
    pub(super) fn sorted_times(&self, rng: &mut impl Rng, n: usize) -> Vec<i64> {
        let mut times: Vec<i64> = (0..n).map(|_| self.at(rng)).collect();
        times.sort_unstable();
        times
    }
}

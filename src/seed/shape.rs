//! What the seed generators share: the fixed time frame of the history and the workspaces
//! and builds that later tables refer to.

use crate::model::BuildReason;
pub(super) use crate::timefmt::{DAY_MICROS as DAY, HOUR_MICROS as HOUR};
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

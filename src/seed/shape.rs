//! What the seed generators share: the fixed time frame of the history and the workspaces
//! and builds that later tables refer to.

pub(super) const DAY: i64 = 86_400_000_000;
pub(super) const HOUR: i64 = 3_600_000_000;
/// Fixed end of the history (2025-07-01T00:00:00Z) so output does not depend on "now".
pub(super) const END: i64 = 1_751_328_000_000_000;
pub(super) const NIL: &str = crate::model::NIL_UUID;

pub(super) const REASONS: &[&str] = &[
    "initiator",
    "autostart",
    "autostop",
    "dashboard",
    "cli",
    "ssh_connection",
    "vscode_connection",
    "dormancy",
    "autodelete",
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

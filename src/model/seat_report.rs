//! The seat report (`GET /api/v2/coderlite/seats`, a coderlite extension): who holds an AI
//! seat, through which source, first and last use. Filter, sort and row types.

use serde::Serialize;

/// Where a seat comes from: AI Gateway (AI Bridge interceptions) or an AI-task build of a
/// live workspace the user owns.
pub const SOURCE_AI_GATEWAY: &str = "ai_gateway";
pub const SOURCE_AI_TASK: &str = "ai_task";
pub const SOURCES: &[&str] = &[SOURCE_AI_GATEWAY, SOURCE_AI_TASK];

/// Parsed `q`; `None`/empty = no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeatFilter {
    /// Bare words / `search:`: username or email contains (case-insensitive).
    pub search: Option<String>,
    pub has_seat: Option<bool>,
    /// `source:` the user holds a seat through this source.
    pub source: Option<String>,
    /// `status:` any of.
    pub status: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SeatSortKey {
    #[default]
    Username,
    FirstUsed,
    LastUsed,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatSort {
    pub key: SeatSortKey,
    pub desc: bool,
}

/// One user of the report. Times are microseconds; `None` when the source was never used.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeatReportRow {
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub has_seat: bool,
    pub sources: Vec<&'static str>,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub first_used_at: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub last_used_at: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub ai_gateway_first_used_at: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub ai_gateway_last_used_at: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub ai_task_first_used_at: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::ser_opt")]
    pub ai_task_last_used_at: Option<i64>,
}

/// The page: rows, the filtered total, and the numbers of the `ai_governance_user_limit`
/// entitlement (`limit` null when not entitled) with its warning.
#[derive(Debug, Clone, Serialize)]
pub struct SeatReportResponse {
    pub count: i64,
    pub limit: Option<i64>,
    pub active_seats: i64,
    pub warning: Option<String>,
    pub users: Vec<SeatReportRow>,
}

//! API types exactly as Coder's JSON (`codersdk`). Times are i64 microseconds internally.

pub mod ai_gateway;
pub mod aibridge;
pub mod api_key;
pub mod audit;
pub mod connection_log;
pub mod entitlements;
pub mod enums;
pub mod org;
pub mod query;
pub mod role;
pub mod seat_report;
pub mod user;
pub mod workspace;

pub use api_key::*;
pub use audit::*;
pub use connection_log::*;
pub use enums::*;
pub use org::*;
pub use role::*;
pub use user::*;

/// The nil UUID, which Coder uses for "no organization" and "system".
pub const NIL_UUID: &str = "00000000-0000-0000-0000-000000000000";

/// Canonical storage form of a UUID string (lower-case, hyphenated), or None when invalid.
pub fn parse_uuid(s: &str) -> Option<String> {
    uuid::Uuid::parse_str(s)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

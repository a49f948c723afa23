//! Authentication: token format and hashing, password hashing, and the `Caller` extractor.

pub mod caller;
pub mod password;
pub mod ratelimit;
pub mod token;

pub use caller::{Caller, MaybeCaller};

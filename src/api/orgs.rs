//! (area: orgs) — routes registered from api/mod.rs.

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}

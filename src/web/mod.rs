//! The embedded web UI (served at `/`).

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}

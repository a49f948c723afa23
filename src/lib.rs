//! coderlite: Coder's `/api/v2` for users, organizations, members, roles, API tokens, audit
//! logs and AI-seat state, on one SQLite file, in one binary.

pub mod api;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod compress;
pub mod config;
pub mod db;
pub mod error;
pub mod import;
pub mod json;
pub mod model;
pub mod ops;
pub mod rbac;
pub mod request_meta;
pub mod search;
pub mod seed;
pub mod server;
pub mod state;
pub mod store;
pub mod timefmt;
pub mod users;
pub mod web;

pub use server::{build_state, serve};

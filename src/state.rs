//! Shared application state, built once outside `HttpServer::new`.

use crate::auth::ratelimit::LoginLimiter;
use crate::config::ServerConfig;
use crate::db::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<ServerConfig>,
    pub login_limiter: Arc<LoginLimiter>,
}

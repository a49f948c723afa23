//! `coderlite server` configuration: every flag is also a `CODERLITE_*` environment variable.

pub mod duration;
pub mod file;

use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// Every acknowledged write survives power loss (SQLite `synchronous=FULL`).
    Full,
    /// Faster commits; a power loss may drop the last transactions (never corrupts).
    Normal,
}

/// Where a new audit stream (webhook, stdout) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StreamStart {
    /// Deliver every row still kept, then new ones.
    Oldest,
    /// Deliver rows written from now on.
    Now,
}

#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct ServerConfig {
    /// SQLite database file (created when missing).
    #[arg(long, env = "CODERLITE_DB", default_value = "./coderlite.db")]
    pub db: PathBuf,

    /// Address to listen on.
    #[arg(long, env = "CODERLITE_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: String,

    /// SQLite durability: `full` (default) or `normal`.
    #[arg(long, env = "CODERLITE_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Full)]
    pub synchronous: Synchronous,

    /// Number of read-only database connections.
    #[arg(long, env = "CODERLITE_READ_POOL_SIZE", default_value_t = 8)]
    pub read_pool_size: u32,

    /// Number of HTTP worker threads (default: one per CPU).
    #[arg(long, env = "CODERLITE_WORKERS")]
    pub workers: Option<usize>,

    /// On an empty database: the first owner's email (with username and password).
    #[arg(long, env = "CODERLITE_FIRST_USER_EMAIL")]
    pub first_user_email: Option<String>,

    /// On an empty database: the first owner's username.
    #[arg(long, env = "CODERLITE_FIRST_USER_USERNAME")]
    pub first_user_username: Option<String>,

    /// On an empty database: the first owner's password.
    #[arg(long, env = "CODERLITE_FIRST_USER_PASSWORD", hide_env_values = true)]
    pub first_user_password: Option<String>,

    /// Lifetime of browser/password sessions, in seconds (sliding).
    #[arg(long, env = "CODERLITE_SESSION_LIFETIME", default_value_t = 86_400)]
    pub session_lifetime_secs: i64,

    /// Largest lifetime a long-lived API token may ask for, in seconds (default 30 days).
    #[arg(
        long,
        env = "CODERLITE_MAX_TOKEN_LIFETIME",
        default_value_t = 2_592_000
    )]
    pub max_token_lifetime_secs: i64,

    /// Always mark the session cookie `Secure` (it is marked anyway when the request came over
    /// TLS, as a proxy says with `X-Forwarded-Proto: https` or `Forwarded: proto=https`).
    #[arg(long, env = "CODERLITE_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Cap audit `count` like Coder (e.g. 2000); 0 = exact counts (default).
    #[arg(long, env = "CODERLITE_AUDIT_COUNT_CAP", default_value_t = 0)]
    pub audit_count_cap: i64,

    /// Cap connection-log `count` like Coder (2000); 0 = exact counts (default).
    #[arg(long, env = "CODERLITE_CONNECTION_LOG_COUNT_CAP", default_value_t = 0)]
    pub connection_log_count_cap: i64,

    /// Password login attempts allowed per minute, per account and per client IP (0 = no limit).
    #[arg(long, env = "CODERLITE_LOGIN_RATE_LIMIT", default_value_t = 10)]
    pub login_rate_limit: u32,

    /// Licensed AI-governance seats (`ai_governance_user_limit`); 0 = not entitled.
    #[arg(long, env = "CODERLITE_AI_SEAT_LIMIT", default_value_t = 0)]
    pub ai_seat_limit: i64,

    /// Serve the AI Gateway (`aibridge` entitlement): `false` answers every `/ai-gateway` and
    /// `/aibridge` route with Coder's 403 "AI Gateway is a Premium feature. Contact sales!".
    #[arg(long = "ai-gateway", env = "CODERLITE_AI_GATEWAY", default_value_t = true, action = clap::ArgAction::Set)]
    pub ai_gateway: bool,

    /// Keep audit rows this long (`90d`, `12w`, `36h`; units s, m, h, d, w); 0 = forever.
    #[arg(long, env = "CODERLITE_AUDIT_RETENTION", default_value = "0")]
    pub audit_retention: duration::HumanDuration,

    /// Keep connection-log rows this long (by connect time; units as `--audit-retention`);
    /// 0 = forever.
    /// Coder's spelling, `--connection-logs-retention`, is accepted too.
    #[arg(
        long,
        alias = "connection-logs-retention",
        env = "CODERLITE_CONNECTION_LOG_RETENTION",
        default_value = "0"
    )]
    pub connection_log_retention: duration::HumanDuration,

    /// POST every committed audit row as JSON to this URL (at least once, in order).
    #[arg(long, env = "CODERLITE_AUDIT_WEBHOOK", hide_env_values = true)]
    pub audit_webhook: Option<String>,

    /// PEM file of the CA certificates an `https://` webhook's certificate must chain to
    /// (default: the built-in Mozilla roots).
    #[arg(long, env = "CODERLITE_AUDIT_WEBHOOK_CA")]
    pub audit_webhook_ca: Option<std::path::PathBuf>,

    /// Where an audit stream with no saved position starts: `oldest` kept row (default) or `now`.
    #[arg(long, env = "CODERLITE_AUDIT_STREAM_START", value_enum, default_value_t = StreamStart::Oldest)]
    pub audit_stream_start: StreamStart,

    /// Write every committed audit row as one JSON line to stdout.
    #[arg(long, env = "CODERLITE_AUDIT_LOG_STDOUT", default_value_t = false)]
    pub audit_log_stdout: bool,

    /// Directory `POST /api/v2/backup` writes into (online backups over the API are off without it).
    #[arg(long, env = "CODERLITE_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,

    /// When set, `GET /metrics` requires `Authorization: Bearer <token>`.
    #[arg(long, env = "CODERLITE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

impl ServerConfig {
    /// A configuration for tests and embedding: the given database, everything else default.
    pub fn for_db(db: impl Into<PathBuf>) -> Self {
        ServerConfig {
            db: db.into(),
            listen: "127.0.0.1:0".into(),
            synchronous: Synchronous::Normal,
            read_pool_size: 4,
            workers: Some(2),
            first_user_email: None,
            first_user_username: None,
            first_user_password: None,
            session_lifetime_secs: 86_400,
            max_token_lifetime_secs: 2_592_000,
            secure_cookies: false,
            audit_count_cap: 0,
            connection_log_count_cap: 0,
            login_rate_limit: 10,
            ai_seat_limit: 0,
            ai_gateway: true,
            audit_retention: Default::default(),
            connection_log_retention: Default::default(),
            audit_webhook: None,
            audit_webhook_ca: None,
            audit_stream_start: StreamStart::Oldest,
            audit_log_stdout: false,
            backup_dir: None,
            metrics_token: None,
        }
    }
}

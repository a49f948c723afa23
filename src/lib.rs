//! coderlite: Coder's `/api/v2` for users, organizations, members, roles, API tokens, audit
//! logs and AI-seat state, on one SQLite file, in one binary.

pub mod accounts;
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
pub mod state;
pub mod store;
pub mod timefmt;
pub mod web;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web as aweb, App, HttpServer};
use config::ServerConfig;
use state::AppState;
use std::net::TcpListener;
use std::sync::Arc;

/// Opens the database, applies the schema, creates the default organization and, on an
/// empty database, the first owner from the configuration.
pub fn build_state(config: ServerConfig) -> Result<AppState, String> {
    let db = db::Db::open(&config.db, config.synchronous, config.read_pool_size)?;
    {
        let mut conn = db.writer_blocking().map_err(|e| e.to_string())?;
        db::write_tx(&mut conn, |tx| {
            store::orgs::ensure_default(tx, timefmt::now_micros())?;
            Ok(())
        })
        .map_err(|e| format!("cannot initialise database: {e}"))?;
        if let (Some(email), Some(username), Some(password)) = (
            config.first_user_email.as_deref(),
            config.first_user_username.as_deref(),
            config.first_user_password.as_deref(),
        ) {
            let input = accounts::OwnerInput {
                email,
                username,
                name: "",
                password,
            };
            let exists = store::users::count_humans(&conn).map_err(|e| e.to_string())? > 0;
            if !exists {
                accounts::validate_owner_input(&input)
                    .map_err(|e| format!("first user: {}", describe(&e)))?;
                let hashed = auth::password::hash(password)?;
                db::write_tx(&mut conn, |tx| {
                    accounts::insert_owner(
                        tx,
                        &request_meta::RequestMeta::system(),
                        &input,
                        &hashed,
                    )
                })
                .map_err(|e| format!("first user: {}", describe(&e)))?;
                log::info!("created the first owner {username}");
            }
        }
    }
    let login_limiter = Arc::new(auth::ratelimit::LoginLimiter::new(config.login_rate_limit));
    Ok(AppState {
        db,
        config: Arc::new(config),
        login_limiter,
    })
}

/// Human-readable text of an API error for CLI messages.
pub fn describe(e: &error::ApiError) -> String {
    let mut s = e.message.clone();
    if let Some(d) = &e.detail {
        s.push_str(": ");
        s.push_str(d);
    }
    for v in &e.validations {
        s.push_str(&format!("; {}: {}", v.field, v.detail));
    }
    s
}

/// Builds the HTTP server on a bound listener (port 0 in tests).
pub fn serve(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let workers = state.config.workers;
    let runtime = aweb::Data::new(ops::Runtime::start(&state).map_err(std::io::Error::other)?);
    let db = aweb::Data::new(state.db.clone());
    let data = aweb::Data::new(state);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(db.clone())
            .app_data(runtime.clone())
            .app_data(api::extract::json_config())
            .app_data(api::extract::payload_config())
            .app_data(api::extract::query_config())
            .app_data(api::extract::path_config())
            .wrap(from_fn(compress::middleware))
            .wrap(from_fn(request_meta::middleware))
            .wrap(from_fn(ops::metrics::middleware))
            .configure(api::ops::root_routes)
            .configure(api::configure)
            .configure(web::routes)
    })
    .on_connect(|conn, _ext| {
        // Writes never wait for the peer's ACK (Nagle + delayed ACK = ~40 ms stalls); Go's
        // net/http and nginx do the same. See `compress`.
        if let Some(sock) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = sock.set_nodelay(true);
        }
    })
    .shutdown_timeout(30)
    .listen(listener)?;
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

//! The server: the application state from the configuration (database, default organization,
//! first owner) and the HTTP server on a bound listener.

use crate::config::ServerConfig;
use crate::state::AppState;
use crate::{api, auth, compress, db, ops, request_meta, store, timefmt, users, web};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web as aweb, App, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;

/// Opens the database, applies the schema, creates the default organization and, on an
/// empty database, the first owner from the configuration.
pub fn build_state(config: ServerConfig) -> Result<AppState, String> {
    let db = db::Db::open(&config.db, config.synchronous, config.read_pool_size)?;
    {
        db.write_blocking(|tx| {
            store::orgs::ensure_default(tx, timefmt::now_micros())?;
            Ok(())
        })
        .map_err(|e| format!("cannot initialise database: {e}"))?;
        if let (Some(email), Some(username), Some(password)) = (
            config.first_user_email.as_deref(),
            config.first_user_username.as_deref(),
            config.first_user_password.as_deref(),
        ) {
            let input = users::OwnerInput {
                email,
                username,
                name: "",
                password,
            };
            let exists = db
                .read_blocking(|tx| Ok(store::users::count_humans(tx)?))
                .map_err(|e| e.describe())?
                > 0;
            if !exists {
                users::validate_owner(&input)
                    .map_err(|e| format!("first user: {}", e.describe()))?;
                let hashed = auth::password::hash(password)?;
                db.write_blocking(|tx| {
                    users::create_owner(tx, &request_meta::RequestMeta::system(), &input, &hashed)
                })
                .map_err(|e| format!("first user: {}", e.describe()))?;
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

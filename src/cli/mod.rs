//! The command line: `coderlite server` and the offline subcommands. Their flags, environment
//! variables and the configuration file are read by `config`; this module only dispatches.

mod admin;
mod copy;
mod database;

pub use admin::create_admin_user;
pub use database::{backup, verify};

use crate::config::file::{self as config_file, LoadError, ServerArgs};
use crate::config::ServerConfig;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

/// coderlite — Coder's users, organizations, audit-log and AI-seat API on one SQLite file.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (API under /api/v2, web UI at /).
    Server(Box<ServerArgs>),
    /// Add an owner to an existing database without the server running.
    CreateAdminUser {
        /// SQLite database file.
        #[arg(long, env = "CODERLITE_DB", default_value = "./coderlite.db")]
        db: PathBuf,
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// The new owner's password (or CODERLITE_ADMIN_PASSWORD).
        #[arg(long, env = "CODERLITE_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Write a consistent copy of the database while the server keeps running.
    Backup {
        /// SQLite database file.
        #[arg(long, env = "CODERLITE_DB", default_value = "./coderlite.db")]
        db: PathBuf,
        /// The backup file to create (or a directory to create a dated file in).
        out: PathBuf,
    },
    /// Check the audit log's hash chain; exits 1 and names the first broken row if any.
    Verify {
        /// SQLite database file.
        #[arg(long, env = "CODERLITE_DB", default_value = "./coderlite.db")]
        db: PathBuf,
    },
    /// Load the CSV files of a Coder PostgreSQL database into a new coderlite database.
    Import(crate::import::ImportArgs),
    /// Create a new database filled with a deterministic synthetic dataset.
    Seed(crate::seed::SeedArgs),
    /// Copy a whole deployment into an empty database of either engine (a SQLite file or a
    /// postgres:// URL), then verify row counts and the audit hash chain.
    Migrate {
        /// The database to copy (a SQLite file, `sqlite:<path>` or `postgres://…`).
        #[arg(long)]
        from: PathBuf,
        /// The empty database to copy into (created and given the schema when missing).
        #[arg(long)]
        to: PathBuf,
    },
}

/// The whole program: configuration from flags, environment and file, then the subcommand.
pub fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let loaded = match config_file::load(Cli::command(), std::env::args_os().collect()) {
        Ok(l) => l,
        Err(LoadError::Cli(e)) => e.exit(),
        Err(LoadError::File(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cli = match Cli::from_arg_matches(&loaded.matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Server(args) if args.print_config => {
            print!(
                "{}",
                config_file::render(&Cli::command(), &loaded, &args.config)
            );
            Ok(())
        }
        Command::Server(args) => run_server(args.config),
        Command::CreateAdminUser {
            db,
            username,
            email,
            password,
        } => admin::create_admin_user(&db, &username, &email, &password),
        Command::Backup { db, out } => database::backup(&db, &out),
        Command::Verify { db } => match database::verify(&db) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Import(mut args) => copy::load_into(&args.db.clone(), |file| {
            args.db = file.to_path_buf();
            crate::import::run(&args)
        }),
        Command::Seed(mut args) => copy::load_into(&args.db.clone(), |file| {
            args.db = file.to_path_buf();
            crate::seed::run(&args)
        }),
        Command::Migrate { from, to } => copy::run(&from, &to),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_server(config: ServerConfig) -> Result<(), String> {
    let listen = config.listen.clone();
    let listener =
        TcpListener::bind(&listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let state = crate::server::build_state(config)?;
    log::info!(
        "coderlite listening on http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    actix_web::rt::System::new()
        .block_on(async move { crate::server::serve(state, listener)?.await })
        .map_err(|e| e.to_string())?;
    log::info!("coderlite stopped");
    Ok(())
}

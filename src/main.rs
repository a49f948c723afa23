use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use coderlite::config::ServerConfig;
use coderlite::ops::config_file::{self, LoadError, ServerArgs};
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
    Server(ServerArgs),
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
    Import(coderlite::import::ImportArgs),
    /// Create a new database filled with a deterministic synthetic dataset.
    Seed(coderlite::seed::SeedArgs),
}

fn main() -> ExitCode {
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
        } => coderlite::cli::create_admin_user(&db, &username, &email, &password),
        Command::Backup { db, out } => coderlite::ops::cli::backup(&db, &out),
        Command::Verify { db } => match coderlite::ops::cli::verify(&db) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Import(args) => coderlite::import::run(&args),
        Command::Seed(args) => coderlite::seed::run(&args),
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
    let state = coderlite::build_state(config)?;
    log::info!(
        "coderlite listening on http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    actix_web::rt::System::new()
        .block_on(async move { coderlite::serve(state, listener)?.await })
        .map_err(|e| e.to_string())?;
    log::info!("coderlite stopped");
    Ok(())
}

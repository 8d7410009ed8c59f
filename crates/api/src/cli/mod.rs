//! The command line of `tiktok-integration` (clap): `serve`, `migrate`, `rotate-keys`, `dev-token`, `gen-key`,
//! `sync` and `accounts`. Commands run the domain's use cases through the wiring, as the HTTP API does; none
//! reads or writes the database by itself.

mod accounts;
mod keys;
mod sync;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tiktok_domain::ConnectionState;

use crate::settings::Settings;
use crate::telemetry::{self, LogOutput};
use crate::wiring::StartupError;
use crate::Application;

/// The TikTok integration service.
#[derive(Debug, Parser)]
#[command(
    name = "tiktok-integration",
    version,
    about = "The TikTok integration service: its HTTP API, and the commands of its operators."
)]
pub struct Cli {
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (applies pending migrations first; metrics on their own address).
    Serve,
    /// Apply pending migrations to DATABASE_URL and exit.
    Migrate,
    /// Re-seal every stored token and pending PKCE verifier with the active TOKEN_ENCRYPTION_KEY, so that old
    /// keys can be removed.
    RotateKeys {
        /// Accounts read per page.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch: u32,
    },
    /// Print a development JWT for USER_ID on standard output (refused in production).
    DevToken {
        /// The product user the token speaks for.
        user_id: String,
        /// An admin token (scope `tiktok:admin`), which may act for any user.
        #[arg(long)]
        admin: bool,
    },
    /// Print a new TOKEN_ENCRYPTION_KEY entry, `kid:base64(32 random bytes)`, with a fresh key id.
    GenKey,
    /// Sync accounts from TikTok now: one (`--user`) or all in a status (`--all`), with a progress bar.
    Sync(SyncArgs),
    /// Count the stored accounts by status, or list those in one status (`--status`).
    Accounts {
        /// List the accounts in this status instead of counting.
        #[arg(long, value_enum)]
        status: Option<Status>,
    },
}

/// Arguments of `sync`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["user", "all"])))]
pub struct SyncArgs {
    /// Sync this product user's account.
    #[arg(long, value_name = "USER_ID")]
    pub user: Option<String>,
    /// Sync every account in `--status`.
    #[arg(long)]
    pub all: bool,
    /// With `--all`: the status of the accounts to sync.
    #[arg(long, value_enum, default_value_t = Status::Connected, requires = "all")]
    pub status: Status,
    /// With `--all`: accounts synced at once (TikTok's quota paces them anyway).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64), requires = "all")]
    pub concurrency: u16,
}

/// An account status, as the status body names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Status {
    /// Tokens held and accepted.
    Connected,
    /// The creator must reconnect.
    ReauthRequired,
    /// Disconnected.
    NotConnected,
}

impl From<Status> for ConnectionState {
    fn from(status: Status) -> Self {
        match status {
            Status::Connected => ConnectionState::Connected,
            Status::ReauthRequired => ConnectionState::ReauthRequired,
            Status::NotConnected => ConnectionState::Disconnected,
        }
    }
}

/// A command's failure: printed once on standard error, exit code 1 (2 for settings at fault, 2 also for a
/// command line that does not parse).
#[derive(Debug)]
pub struct CommandError {
    /// The exit code.
    pub code: u8,
    /// What to print.
    pub message: String,
}

impl CommandError {
    /// A failure with exit code 1.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<StartupError> for CommandError {
    /// A setting at fault exits 2 like settings that do not load (a process manager should not retry);
    /// the others (a port taken, I/O) exit 1.
    fn from(error: StartupError) -> Self {
        let code = if matches!(error, StartupError::Config(_)) {
            2
        } else {
            1
        };
        Self {
            code,
            message: error_chain(&error),
        }
    }
}

impl From<tiktok_domain::usecases::ServiceError> for CommandError {
    fn from(error: tiktok_domain::usecases::ServiceError) -> Self {
        Self::new(error_chain(&error))
    }
}

/// Runs the parsed command line; the caller has loaded `.env` already.
pub async fn run(cli: Cli) -> ExitCode {
    let command = cli.command.unwrap_or(Command::Serve);
    let result = match command {
        // Needs no settings: works on a machine that is not configured yet.
        Command::GenKey => keys::gen_key(),
        command => match settings(&command) {
            // The log guard outlives the command, so that its last lines are written.
            Ok((settings, _logs)) => dispatch(command, settings).await,
            Err(error) => Err(error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tiktok-integration: {}", error.message);
            ExitCode::from(error.code)
        }
    }
}

/// Loads the settings and starts the logs: the server's on standard output, a command's on standard error
/// (standard output is its answer), at `warn` unless RUST_LOG says otherwise.
fn settings(command: &Command) -> Result<(Settings, telemetry::LogGuard), CommandError> {
    let mut settings = Settings::from_process_env().map_err(|e| CommandError {
        code: 2,
        message: format!("cannot start: {e}"),
    })?;
    let output = if matches!(command, Command::Serve) {
        LogOutput::Stdout
    } else {
        settings.log.filter = "warn".into();
        LogOutput::Stderr
    };
    let logs = telemetry::init(&settings.log, output);
    Ok((settings, logs))
}

async fn dispatch(command: Command, settings: Settings) -> Result<(), CommandError> {
    match command {
        Command::Serve => serve(settings).await,
        Command::Migrate => keys::migrate(&settings).await,
        Command::RotateKeys { batch } => keys::rotate_keys(&settings, batch).await,
        Command::DevToken { user_id, admin } => keys::dev_token(&settings, &user_id, admin),
        Command::GenKey => keys::gen_key(),
        Command::Sync(args) => sync::run(settings, args).await,
        Command::Accounts { status } => accounts::run(&settings, status).await,
    }
}

async fn serve(settings: Settings) -> Result<(), CommandError> {
    let app = Application::build(settings).await?;
    app.run_until_stopped()
        .await
        .map_err(|e| CommandError::new(e.to_string()))
}

pub use crate::error::error_chain;

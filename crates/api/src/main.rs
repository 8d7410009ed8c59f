//! `tiktok-integration`: the service binary.
//!
//! ```text
//! tiktok-integration [serve]              run the HTTP API (applies migrations first)
//! tiktok-integration migrate              apply pending migrations and exit
//! tiktok-integration rotate-keys          re-seal every stored token and pending PKCE verifier with the active key
//! tiktok-integration dev-token USER_ID    print a development JWT for USER_ID (`--admin` for an admin token)
//! ```

use std::process::ExitCode;

use tiktok_api::dev_token::DevTokens;
use tiktok_api::{telemetry, wiring, Application, Settings};

const USAGE: &str =
    "usage: tiktok-integration [serve | migrate | rotate-keys | dev-token USER_ID [--admin]]";

#[actix_web::main]
async fn main() -> ExitCode {
    // A missing .env is normal; a broken one is reported.
    if let Err(error) = dotenvy::dotenv() {
        if !error.not_found() {
            eprintln!("ignoring .env: {error}");
        }
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match Settings::from_process_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("tiktok-integration cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => serve(settings).await,
        Some("migrate") => migrate(settings).await,
        Some("rotate-keys") => rotate_keys(settings).await,
        Some("dev-token") => dev_token(&settings, &args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("tiktok-integration: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let app = Application::build(settings)
        .await
        .map_err(|e| error_chain(&e))?;
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn migrate(settings: Settings) -> Result<(), String> {
    let database = wiring::pool(&settings).map_err(|e| error_chain(&e))?;
    database
        .run_migrations()
        .await
        .map_err(|e| error_chain(&e))?;
    println!("migrations applied");
    Ok(())
}

async fn rotate_keys(settings: Settings) -> Result<(), String> {
    let database = wiring::pool(&settings).map_err(|e| error_chain(&e))?;
    let report = wiring::key_rotation(&settings, database)
        .map_err(|e| error_chain(&e))?
        .run(100)
        .await
        .map_err(|e| error_chain(&e))?;
    println!(
        "key rotation done: {} scanned, {} re-sealed, {} already current, {} changed meanwhile, {} unreadable",
        report.scanned, report.resealed, report.current, report.changed_meanwhile, report.unreadable
    );
    println!(
        "pending OAuth states: {} with a PKCE verifier, {} re-sealed, {} unreadable",
        report.pending_states, report.pending_states_resealed, report.pending_states_unreadable
    );
    Ok(())
}

fn dev_token(settings: &Settings, args: &[String]) -> Result<(), String> {
    let tokens = DevTokens::from_settings(settings).ok_or(
        "dev-token is not available in production, nor with AUTH_JWT_PUBLIC_KEY (tokens are HS256)",
    )?;
    let user = args.first().ok_or(USAGE)?;
    let admin = args.iter().any(|a| a == "--admin");
    // 2100-01-01: a development token that does not expire during a walkthrough.
    let token = tokens
        .mint(user, admin, 4_102_444_800)
        .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

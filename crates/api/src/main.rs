//! `tiktok-integration`: the service binary. `tiktok-integration --help` lists the commands; each has its
//! own `--help`. See [`tiktok_api::cli`].

use std::process::ExitCode;

use clap::Parser;
use tiktok_api::cli::{self, Cli};

#[actix_web::main]
async fn main() -> ExitCode {
    // A missing .env is normal; a broken one is reported.
    if let Err(error) = dotenvy::dotenv() {
        if !error.not_found() {
            eprintln!("ignoring .env: {error}");
        }
    }
    cli::run(Cli::parse()).await
}

//! `tiktok-integration`: the service binary. `tiktok-integration --help` lists the commands; each has its
//! own `--help`. See [`tiktok_api::cli`].

use std::process::ExitCode;

use clap::Parser;
use tiktok_api::cli::{self, Cli};

/// mimalloc rather than glibc's allocator: a request allocates a few hundred small blocks (headers, log
/// fields, rows, JSON), and glibc's malloc/free were a tenth of the loaded service's profile
/// (docs/performance.md). Only the binary chooses it: the library crates leave the choice to their user.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

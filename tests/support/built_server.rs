//! The built `tiktok-integration serve`, as `make run` starts it but on free ports: for the tests that
//! judge the binary from outside (its log output, the README's walkthrough).

use std::path::Path;
use std::process::{Command, Stdio};

/// A `serve` command of the built binary at `binary` (`assert_cmd::cargo::cargo_bin("tiktok-integration")`
/// in a test), to be spawned: run in `dir` (meant to be empty: no `.env`, no
/// `config/`, so the compiled-in defaults apply) with only `PATH` of the caller's environment, on
/// `database_url`, with free ports for the API and the sandbox, no metrics listener, no background work
/// (it would call TikTok at a random moment), and JSON logs (machine-readable) on a piped standard output.
/// Panics with a hint when the binary is not built.
pub fn serve_command(binary: &Path, dir: &Path, database_url: &str) -> Command {
    assert!(
        binary.exists(),
        "{} is not built (cargo build -p tiktok-api, or make test)",
        binary.display()
    );
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(dir)
        .env("PORT", "0")
        .env("APP_SANDBOX__PORT", "0")
        .env("APP_METRICS__LISTEN", "")
        .env("DATABASE_URL", database_url)
        .env("APP_BACKGROUND__ENABLED", "false")
        .env("APP_LOG__FORMAT", "json")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    command
}

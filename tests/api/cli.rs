//! The command line, run as the built `tiktok-integration` binary: `--help` everywhere, `gen-key`,
//! `dev-token`, and `accounts` / `sync` over the test service's database and sandbox. Output is captured
//! (not a terminal), so it must carry no escape sequences.

use std::collections::HashMap;

use assert_cmd::Command;
use base64::Engine;
use tiktok_integration_tests::capture::execute_sql;
use tiktok_integration_tests::{Backend, TestApp, ENCRYPTION_KEY};
use tiktok_sandbox::{Endpoint, FakeUser, Fault, FaultKind, SandboxConfig};

on_both_backends!(
    accounts_and_sync_run_from_the_built_binary,
    rotate_keys_reseals_a_shop_seller_and_prints_its_counts,
);

/// The built binary, run in an empty directory (no `.env`, no `config/`) with exactly `vars`.
fn binary(vars: &HashMap<String, String>) -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::cargo_bin("tiktok-integration")
        .expect("the binary is built (cargo build -p tiktok-api, or make test)");
    command.env_clear().current_dir(dir.path()).envs(vars);
    if let Some(url) = vars
        .get("DATABASE_URL")
        .filter(|u| u.starts_with("postgres"))
    {
        // libpq negotiates TLS (OpenSSL) and GSSAPI encryption (Kerberos) even on loopback; a short-lived
        // process that used them sometimes dies in their exit-time clean-up after its work is done: SIGSEGV
        // in OpenSSL (diesel-rs/diesel#3441) or krb5's `krb5int_getspecific` assertion (SIGABRT). Both are
        // environment issues of libpq's libraries; this test is about the commands, not TLS or Kerberos.
        let separator = if url.contains('?') { '&' } else { '?' };
        command.env(
            "DATABASE_URL",
            format!("{url}{separator}sslmode=disable&gssencmode=disable"),
        );
    }
    (command, dir)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(vars: &HashMap<String, String>, args: &[&str]) -> Run {
    let (mut command, _dir) = binary(vars);
    let output = command.args(args).output().expect("the binary runs");
    let run = Run {
        code: output.status.code().unwrap_or_else(|| {
            panic!(
                "{args:?} ended without an exit code ({:?}); stderr: {}",
                std::os::unix::process::ExitStatusExt::signal(&output.status),
                String::from_utf8_lossy(&output.stderr)
            )
        }),
        stdout: String::from_utf8(output.stdout).expect("utf-8"),
        stderr: String::from_utf8(output.stderr).expect("utf-8"),
    };
    assert!(
        !run.stdout.contains('\x1b') && !run.stderr.contains('\x1b'),
        "escape sequences in non-terminal output of {args:?}: {:?} / {:?}",
        run.stdout,
        run.stderr
    );
    run
}

#[test]
fn every_command_answers_help_and_a_wrong_command_line_exits_2_with_one_message() {
    let none = HashMap::new();
    for command in [
        "serve",
        "migrate",
        "rotate-keys",
        "dev-token",
        "gen-key",
        "sync",
        "accounts",
    ] {
        let help = run(&none, &[command, "--help"]);
        assert_eq!(help.code, 0, "{command} --help: {}", help.stderr);
        assert!(
            help.stdout.contains("Usage: tiktok-integration"),
            "{}",
            help.stdout
        );
    }
    let top = run(&none, &["--help"]);
    assert!(top.stdout.contains("accounts") && top.stdout.contains("gen-key"));
    let wrong = run(&none, &["frobnicate"]);
    assert_eq!(wrong.code, 2);
    assert_eq!(
        wrong.stderr.matches("error:").count(),
        1,
        "{}",
        wrong.stderr
    );
    let no_target = run(&none, &["sync"]);
    assert_eq!(no_target.code, 2, "sync needs --user or --all");
}

#[test]
fn gen_key_prints_a_fresh_kid_and_32_random_bytes() {
    let none = HashMap::new();
    let first = run(&none, &["gen-key"]);
    let second = run(&none, &["gen-key"]);
    assert_eq!(first.code, 0);
    let line = first.stdout.trim_end();
    assert_eq!(first.stdout.lines().count(), 1);
    let (kid, key) = line.split_once(':').expect("kid:key");
    assert!(kid.starts_with('k') && kid.len() <= 32, "{kid}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key)
        .expect("base64");
    assert_eq!(bytes.len(), 32);
    assert_ne!(first.stdout, second.stdout, "keys and kids are fresh");
    let ring =
        tiktok_adapters_crypto::KeyRing::parse(&line.to_owned().into()).expect("a valid entry");
    assert_eq!(ring.active_kid(), kid);
}

#[test]
fn dev_token_prints_only_the_token_and_is_refused_in_production() {
    let mut vars = HashMap::new();
    let token = run(&vars, &["dev-token", "42"]);
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert_eq!(token.stdout.lines().count(), 1);
    assert_eq!(token.stdout.trim().split('.').count(), 3, "a JWT");
    vars.insert("APP_ENV".to_owned(), "production".to_owned());
    let refused = run(&vars, &["dev-token", "42"]);
    assert_ne!(refused.code, 0);
    assert!(refused.stdout.is_empty());
    assert_eq!(
        refused.stderr.lines().count(),
        1,
        "one message: {}",
        refused.stderr
    );
}

async fn accounts_and_sync_run_from_the_built_binary(backend: Backend) {
    let sandbox = SandboxConfig {
        users: ["u1", "u2", "u3"]
            .iter()
            .map(|u| FakeUser::new(&format!("creator_{u}"), 0))
            .collect(),
        ..SandboxConfig::default()
    };
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox, |_| {}).await else {
        return;
    };
    for user in ["u1", "u2", "u3"] {
        assert_eq!(
            app.connect(user, &format!("creator_{user}")).await.status,
            200
        );
    }
    execute_sql(
        &app.db,
        "UPDATE tiktok_accounts SET status = 'reauth_required' WHERE user_id = 'u3'",
    );
    let vars = app.vars.clone();
    // The binary blocks; the service and the sandbox of this test run on this runtime meanwhile.
    let cli = |args: &'static [&'static str]| {
        let vars = vars.clone();
        tokio::task::spawn_blocking(move || run(&vars, args))
    };

    let counts = cli(&["accounts"]).await.expect("ran");
    assert_eq!(counts.code, 0, "{}", counts.stderr);
    assert!(
        counts.stdout.contains("connected        2"),
        "{}",
        counts.stdout
    );
    assert!(
        counts.stdout.contains("reauth_required  1"),
        "{}",
        counts.stdout
    );
    assert!(
        counts.stdout.contains("total            3"),
        "{}",
        counts.stdout
    );
    // Both connected accounts were connected just now: none has waited a whole sync interval.
    assert!(
        counts.stdout.contains("round_behind     0"),
        "{}",
        counts.stdout
    );
    let listed = cli(&["accounts", "--status", "reauth_required"])
        .await
        .expect("ran");
    assert_eq!(listed.code, 0);
    let rows: Vec<&str> = listed.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{}", listed.stdout);
    assert!(rows[0].starts_with("u3\t"));

    let before = app.sandbox.request_count(Endpoint::UserInfo);
    let all = cli(&["sync", "--all", "--concurrency", "2"])
        .await
        .expect("ran");
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(
        all.stdout.contains("2 accounts, 2 synced, 0 failed"),
        "{}",
        all.stdout
    );
    assert_eq!(app.sandbox.request_count(Endpoint::UserInfo) - before, 2);

    let one = cli(&["sync", "--user", "u1"]).await.expect("ran");
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with("synced u1"), "{}", one.stdout);
    let unknown = cli(&["sync", "--user", "nobody"]).await.expect("ran");
    assert_eq!(unknown.code, 1);
    assert_eq!(
        unknown.stderr.matches("tiktok-integration:").count(),
        1,
        "{}",
        unknown.stderr
    );

    app.sandbox
        .inject_fault(Fault::new(FaultKind::ServiceUnavailable).on(Endpoint::UserInfo));
    let failing = cli(&["sync", "--all"]).await.expect("ran");
    app.sandbox.clear_faults();
    assert_eq!(failing.code, 1, "failed syncs fail the command");
    assert!(
        failing.stdout.contains("0 synced, 2 failed"),
        "{}",
        failing.stdout
    );
}

async fn rotate_keys_reseals_a_shop_seller_and_prints_its_counts(backend: Backend) {
    let Some(app) = crate::shop::spawn(backend).await else {
        return;
    };
    let connected = crate::shop::connect(&app, "46").await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    let shops = connected.body["shops"].as_array().map_or(0, Vec::len);
    let mut vars = app.vars.clone();
    vars.insert(
        "TOKEN_ENCRYPTION_KEY".into(),
        format!("{},{ENCRYPTION_KEY}", crate::key_rotation::NEW_KEY),
    );
    let rotate = |vars: HashMap<String, String>| {
        tokio::task::spawn_blocking(move || run(&vars, &["rotate-keys", "--batch", "1"]))
    };

    let first = rotate(vars.clone()).await.expect("ran");
    assert_eq!(first.code, 0, "{}", first.stderr);
    for line in [
        "TikTok Shop sellers: 1 scanned, 1 re-sealed, 0 already current, 0 changed meanwhile, 0 unreadable"
            .to_owned(),
        format!("TikTok Shop ciphers: {shops} scanned, {shops} re-sealed, 0 unreadable"),
    ] {
        assert!(first.stdout.contains(&line), "{line} in {}", first.stdout);
    }
    let again = rotate(vars).await.expect("ran");
    assert!(
        again.stdout.contains(
            "TikTok Shop sellers: 1 scanned, 0 re-sealed, 1 already current, 0 changed meanwhile, 0 unreadable"
        ),
        "{}",
        again.stdout
    );
}

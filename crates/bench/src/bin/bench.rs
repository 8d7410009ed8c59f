//! `bench`: the driver of `make bench` (docs/performance.md).
//!
//! 1. Creates two fresh PostgreSQL databases, one for the service and one for the yardstick.
//! 2. Starts the release `tiktok-integration` (development, so the in-process TikTok sandbox stands in for
//!    TikTok; a fixed JWT secret and token key; the per-caller rate limit off) and the `yardstick`, both
//!    from the folder this binary was built into.
//! 3. Connects one creator per sandbox user through the real OAuth flow (init, TikTok's authorize page,
//!    callback).
//! 4. Runs `wrk` at each connection level, in rounds: the yardstick, `status` and `metrics` (with an admin
//!    JWT, cycling through the connected creators) take turns, so that a burst of someone else's work on
//!    the machine hits one round, and the ratio to the yardstick is the median of the rounds' ratios. Then
//!    `sync`, a fixed number of requests per level sent at a steady rate under TikTok's 10 calls a second
//!    per endpoint (the rate the service paces its TikTok calls at), and kept inside TikTok's Display API
//!    quota (600 `user/info` calls per sliding minute) by waiting when needed.
//! 5. Reads the service's peak resident set (`VmHWM`), prints the table and checks the targets.
//!
//! Exit code: 0 when every target holds, 1 when one is missed, 2 when the run itself failed.
//!
//! Environment: `BENCH_DATABASE_URL` (else `TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/postgres`),
//! `BENCH_CONNECTIONS` (`1,16,64`), `BENCH_ROUNDS` (3), `BENCH_DURATION_SECS` (3 per round),
//! `BENCH_SYNC_REQUESTS` (30 per level), `BENCH_SYNC_RATE` (1.5 syncs a second, at most 10: see
//! [`DEFAULT_SYNC_RATE`]),
//! `BENCH_WRK` (`wrk`), `BENCH_OUT_DIR` (where wrk's reports and the logs go), `BENCH_BIN_DIR` (where the
//! release binaries are; by default this binary's folder).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use tiktok_api::auth::{mint_hs256, Claims, ADMIN_SCOPE};
use tiktok_bench::pg::FreshDatabase;
use tiktok_bench::quota::Quota;
use tiktok_bench::report::{self, Row, Targets, YARDSTICK};
use tiktok_bench::stats::{peak_rss_kb, percentile};
use tiktok_bench::wrk::{self, Outcome};
use tiktok_bench::POOL_SIZE;

/// Syncs a second offered by default. A steady-state sync reads the creator's profile and every
/// `video/list` page of the last 30 days (`video_refresh_window`): 1, 3 and 13 pages for the sandbox's three
/// creators, about 5.7 a sync on average. The service paces each TikTok endpoint at 10 calls a second, so
/// more than about 1.7 syncs a second would queue behind that pacing and measure the queue (and TikTok's
/// quota), not the service.
const DEFAULT_SYNC_RATE: f64 = 1.5;

/// The JWT secret the benchmarked service verifies callers with.
const JWT_SECRET: &str = "bench-jwt-secret-of-at-least-32-bytes!!";
/// The token key ring of the benchmarked service (a fixed test key: nothing real is sealed with it).
const TOKEN_KEY: &str = "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// TikTok's Display API quota, as the sandbox enforces it: `user/info` calls per sliding minute.
const USER_INFO_PER_MINUTE: u64 = 600;
/// Kept free of that quota, for safety.
const QUOTA_MARGIN: u64 = 10;
const API: &str = "/api/v1/integrations/tiktok";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::from(2)
        }
    }
}

struct Config {
    admin_url: String,
    connections: Vec<u32>,
    duration: Duration,
    sync_requests: u64,
    sync_rate: f64,
    rounds: u32,
    wrk: String,
    out_dir: PathBuf,
    bin_dir: PathBuf,
    config_dir: Option<PathBuf>,
    cores: u32,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    env(name).map_or(Ok(default), |raw| {
        raw.trim()
            .parse()
            .map_err(|_| format!("{name}={raw:?} is not a number"))
    })
}

impl Config {
    fn from_env() -> Result<Self, String> {
        let admin_url = env("BENCH_DATABASE_URL")
            .or_else(|| env("TEST_DATABASE_URL"))
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let connections = env("BENCH_CONNECTIONS")
            .unwrap_or_else(|| "1,16,64".to_owned())
            .split(',')
            .map(|c| c.trim().parse::<u32>().ok().filter(|c| *c > 0))
            .collect::<Option<Vec<_>>>()
            .filter(|c| !c.is_empty())
            .ok_or("BENCH_CONNECTIONS must be positive numbers separated by commas")?;
        let duration = Duration::from_secs(env_number("BENCH_DURATION_SECS", 3u64)?.max(1));
        let rounds = env_number("BENCH_ROUNDS", 3u32)?.max(1);
        let sync_requests = env_number("BENCH_SYNC_REQUESTS", 30u64)?;
        let sync_rate = env_number("BENCH_SYNC_RATE", DEFAULT_SYNC_RATE)?;
        if !(sync_rate > 0.0 && sync_rate <= 10.0) {
            return Err(format!(
                "BENCH_SYNC_RATE={sync_rate} must be above 0 and at most TikTok's 10 calls a second"
            ));
        }
        let out_dir = env("BENCH_OUT_DIR").map_or_else(
            || std::env::temp_dir().join(format!("tiktok-bench-{}", std::process::id())),
            PathBuf::from,
        );
        let bin_dir = match env("BENCH_BIN_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_exe()
                .map_err(|e| format!("cannot find this binary's folder: {e}"))?
                .parent()
                .ok_or("this binary has no folder")?
                .to_path_buf(),
        };
        let config_dir = std::env::current_dir()
            .ok()
            .map(|d| d.join("config"))
            .filter(|d| d.join("base.toml").is_file());
        let cores = std::thread::available_parallelism()
            .map(|n| u32::try_from(n.get()).unwrap_or(u32::MAX))
            .unwrap_or(1);
        Ok(Self {
            admin_url,
            connections,
            duration,
            sync_requests,
            sync_rate,
            rounds,
            wrk: env("BENCH_WRK").unwrap_or_else(|| "wrk".to_owned()),
            out_dir,
            bin_dir,
            config_dir,
            cores,
        })
    }
}

/// A child process, killed when dropped (also when the driver fails half-way).
struct Process {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &'static str, mut command: Command, log: PathBuf) -> Result<Self, String> {
        let out =
            File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name} ({:?}): {e}", command.get_program()))?;
        Ok(Self { name, child, log })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails with the end of the log when the process has exited.
    fn check_alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "{} exited ({status}); the end of {}:\n{}",
                self.name,
                self.log.display(),
                tail(&self.log, 20)
            )),
            Err(e) => Err(format!("cannot watch {}: {e}", self.name)),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn mint(subject: &str, admin: bool) -> Result<String, String> {
    let claims = Claims {
        sub: subject.to_owned(),
        exp: 4_102_444_800,
        scope: admin.then(|| ADMIN_SCOPE.to_owned()),
        iss: None,
        aud: None,
    };
    mint_hs256(JWT_SECRET.as_bytes(), &claims).map_err(|e| format!("cannot mint a JWT: {e}"))
}

/// Polls `url` until it answers 200 (or the process dies, or 60 s pass).
async fn wait_ready(
    http: &reqwest::Client,
    url: &str,
    process: &mut Process,
) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        process.check_alive()?;
        if let Ok(response) = http.get(url).send().await {
            if response.status().is_success() {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{} did not answer {url} within 60 s; the end of {}:\n{}",
                process.name,
                process.log.display(),
                tail(&process.log, 20)
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn json(response: reqwest::Response, what: &str) -> Result<serde_json::Value, String> {
    let status = response.status();
    let text = response.text().await.map_err(|e| format!("{what}: {e}"))?;
    if !status.is_success() {
        return Err(format!("{what} answered {status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{what} answered no JSON ({e}): {text}"))
}

/// The OAuth flow for `user_id` as sandbox user `sandbox_user`, as the dashboard and the browser do it.
async fn connect(
    http: &reqwest::Client,
    api: &str,
    user_id: &str,
    sandbox_user: &str,
) -> Result<(), String> {
    let token = mint(user_id, false)?;
    let init = http
        .post(format!("{api}{API}/auth/init?user_id={user_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .map_err(|e| format!("auth/init: {e}"))?;
    let init = json(init, "auth/init").await?;
    let authorization_url = init["authorization_url"]
        .as_str()
        .ok_or("auth/init answered no authorization_url")?;
    let mut authorize = url::Url::parse(authorization_url)
        .map_err(|e| format!("auth/init answered a bad authorization_url: {e}"))?;
    authorize
        .query_pairs_mut()
        .append_pair("sandbox_user", sandbox_user);
    let consent = http
        .get(authorize)
        .send()
        .await
        .map_err(|e| format!("TikTok's authorize page: {e}"))?;
    let location = consent
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| {
            format!(
                "the authorize page answered {} without a redirect",
                consent.status()
            )
        })?;
    let back = url::Url::parse(location).map_err(|e| format!("a bad redirect: {e}"))?;
    let mut callback =
        url::Url::parse(&format!("{api}{API}/auth/callback")).map_err(|e| e.to_string())?;
    callback
        .query_pairs_mut()
        .extend_pairs(back.query_pairs())
        .append_pair("user_id", user_id);
    let answer = http
        .post(callback)
        .bearer_auth(&token)
        .send()
        .await
        .map_err(|e| format!("auth/callback: {e}"))?;
    json(answer, "auth/callback").await.map(|_| ())
}

/// Runs wrk once, keeps its report in the run's folder and reads the summary line.
fn run_wrk(
    config: &Config,
    name: &str,
    run: &wrk::Run<'_>,
    script: &Path,
) -> Result<Outcome, String> {
    let output = Command::new(&config.wrk)
        .args(run.args(script))
        .output()
        .map_err(|e| {
            format!(
                "cannot run {:?} ({e}); install it: apt-get install -y wrk (make bench does)",
                config.wrk
            )
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = config.out_dir.join(format!("{name}.txt"));
    let _ = std::fs::write(&report, format!("{stdout}{stderr}"));
    wrk::parse_output(&stdout).map_err(|e| format!("{name}: {e}; wrk said:\n{stdout}{stderr}"))
}

fn say_phase(row: &Row) {
    let o = &row.outcome;
    println!(
        "  {:<9} {:>3} conns  round {}  {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  errors {}  429 {}",
        row.endpoint,
        row.connections,
        row.round + 1,
        o.requests_per_second(),
        o.p50_us / 1_000.0,
        o.p99_us / 1_000.0,
        o.errors(),
        o.too_many_requests
    );
}

fn run() -> Result<bool, String> {
    let config = Config::from_env()?;
    let load_before = load_average();
    std::fs::create_dir_all(&config.out_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.out_dir.display()))?;
    let service_bin = config.bin_dir.join("tiktok-integration");
    let yardstick_bin = config.bin_dir.join("yardstick");
    for bin in [&service_bin, &yardstick_bin] {
        if !bin.is_file() {
            return Err(format!(
                "{} is missing: build it first (make bench builds both in release)",
                bin.display()
            ));
        }
    }
    let tag = format!("{}_{}", std::process::id(), unix_seconds());
    let service_db =
        FreshDatabase::create_named(&config.admin_url, &format!("bench_service_{tag}"))?;
    let yardstick_db =
        FreshDatabase::create_named(&config.admin_url, &format!("bench_yardstick_{tag}"))?;

    let (port, sandbox_port, yardstick_port) = (free_port()?, free_port()?, free_port()?);
    let mut service = Command::new(&service_bin);
    service.arg("serve").current_dir(&config.out_dir);
    for (name, _) in std::env::vars() {
        let ours = ["TIKTOK_", "APP_", "AUTH_JWT_"]
            .iter()
            .any(|p| name.starts_with(p))
            || [
                "DATABASE_URL",
                "HOST",
                "PORT",
                "TOKEN_ENCRYPTION_KEY",
                "RUST_LOG",
            ]
            .contains(&name.as_str());
        if ours {
            service.env_remove(name);
        }
    }
    if let Some(dir) = &config.config_dir {
        service.env("APP_CONFIG_DIR", dir);
    }
    service
        .env("APP_ENV", "development")
        .env("DATABASE_URL", service_db.url())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("APP_SANDBOX__PORT", sandbox_port.to_string())
        .env("AUTH_JWT_SECRET", JWT_SECRET)
        .env("TOKEN_ENCRYPTION_KEY", TOKEN_KEY)
        .env("APP_DATABASE__MAX_CONNECTIONS", POOL_SIZE.to_string())
        .env("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE", "0")
        .env("APP_LOG__FORMAT", "json");
    let mut service = Process::spawn("the service", service, config.out_dir.join("service.log"))?;
    let mut yardstick = Command::new(&yardstick_bin);
    yardstick
        .current_dir(&config.out_dir)
        .env("YARDSTICK_DATABASE_URL", yardstick_db.url())
        .env("YARDSTICK_PORT", yardstick_port.to_string());
    let mut yardstick = Process::spawn(
        "the yardstick",
        yardstick,
        config.out_dir.join("yardstick.log"),
    )?;

    let api = format!("http://127.0.0.1:{port}");
    let sandbox = format!("http://127.0.0.1:{sandbox_port}");
    let yardstick_url = format!("http://127.0.0.1:{yardstick_port}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no tokio runtime: {e}"))?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // No idle connections: the runtime does not run between phases, so a pooled connection the
        // server closed meanwhile would look alive and fail the next request.
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))?;

    let mut quota = Quota::new(USER_INFO_PER_MINUTE - QUOTA_MARGIN, Duration::from_secs(60));
    let users: Vec<String> = runtime.block_on(async {
        wait_ready(&http, &format!("{api}/health/ready"), &mut service).await?;
        wait_ready(&http, &format!("{yardstick_url}/items/1"), &mut yardstick).await?;
        let overview = json(
            http.get(format!("{sandbox}/sandbox"))
                .send()
                .await
                .map_err(|e| format!("the sandbox: {e}"))?,
            "the sandbox",
        )
        .await?;
        let sandbox_users: Vec<String> = overview["users"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u["username"].as_str().map(str::to_owned))
            .collect();
        if sandbox_users.is_empty() {
            return Err("the sandbox has no users".to_owned());
        }
        let mut users = Vec::new();
        let mut took = Vec::new();
        for (i, sandbox_user) in sandbox_users.iter().enumerate() {
            let user_id = format!("bench-creator-{}", i + 1);
            let started = Instant::now();
            connect(&http, &api, &user_id, sandbox_user).await?;
            quota.spend(started, 1); // the callback reads the profile once
            took.push(started.elapsed());
            users.push(user_id);
        }
        // A creator's first sync lists every video (5,000 for sandbox_star: 250 pages under the
        // service's pacing of TikTok calls); later syncs read the pages of the last 30 days only. The
        // sync benchmark measures that steady state, so each first sync runs here, before any measurement.
        let warm = mint("bench-warm-up", true)?;
        for user_id in &users {
            let started = Instant::now();
            let response = http
                .post(format!("{api}{API}/sync/{user_id}"))
                .bearer_auth(&warm)
                .timeout(Duration::from_secs(300))
                .send()
                .await
                .map_err(|e| format!("first sync of {user_id}: {e}"))?;
            quota.spend(started, 1);
            if !response.status().is_success() {
                return Err(format!("first sync of {user_id}: HTTP {}", response.status()));
            }
            println!("first sync of {user_id} (full video listing): {:.1} s", started.elapsed().as_secs_f64());
        }
        let ms = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1_000.0);
        println!(
            "connected {} creators through the OAuth flow (init, authorize, callback): p50 {:.1} ms, max {:.1} ms",
            users.len(),
            ms(percentile(&took, 50.0)),
            ms(percentile(&took, 100.0))
        );
        Ok::<_, String>(users)
    })?;

    let read_script = config.out_dir.join("read.lua");
    let count_script = config.out_dir.join("count.lua");
    std::fs::write(&read_script, wrk::script(false, false)).map_err(|e| e.to_string())?;
    std::fs::write(&count_script, wrk::script(true, true)).map_err(|e| e.to_string())?;
    let admin = mint("bench-load", true)?;
    let paths = |endpoint: &str| -> Vec<String> {
        users
            .iter()
            .map(|u| format!("{API}/{endpoint}/{u}"))
            .collect()
    };
    let (status_paths, metrics_paths, sync_paths) =
        (paths("status"), paths("metrics"), paths("sync"));
    let yardstick_paths = vec!["/items/1".to_owned()];
    let threads = |connections: u32| config.cores.min(connections);
    let top = config.connections.iter().copied().max().unwrap_or(1);

    println!(
        "wrk: {} rounds of {} s per endpoint and level, levels {:?}, {} threads at most (wrk shares the {} cores); reports in {}",
        config.rounds,
        config.duration.as_secs(),
        config.connections,
        config.cores,
        config.cores,
        config.out_dir.display()
    );
    // Warm-up: pools filled, caches hot, both servers at the top level once; not reported.
    for (name, base, p) in [
        ("warmup-yardstick", &yardstick_url, &yardstick_paths),
        ("warmup-status", &api, &status_paths),
    ] {
        let run = wrk::Run {
            base_url: base,
            method: "GET",
            token: Some(&admin),
            paths: p,
            connections: top,
            threads: threads(top),
            duration: Duration::from_secs(2),
            budget_per_thread: 0,
            rate_per_second: None,
        };
        run_wrk(&config, name, &run, &read_script)?;
    }

    let mut rows = Vec::new();
    let phases = [
        (YARDSTICK, &yardstick_url, &yardstick_paths),
        ("status", &api, &status_paths),
        ("metrics", &api, &metrics_paths),
    ];
    for &connections in &config.connections {
        for round in 0..config.rounds {
            // The order turns each round, so that no endpoint always runs right after another.
            let mut order = phases;
            order.rotate_left(round as usize % phases.len());
            for (endpoint, base, p) in order {
                service.check_alive()?;
                let run = wrk::Run {
                    base_url: base,
                    method: "GET",
                    token: Some(&admin),
                    paths: p,
                    connections,
                    threads: threads(connections),
                    duration: config.duration,
                    budget_per_thread: 0,
                    rate_per_second: None,
                };
                let outcome = run_wrk(
                    &config,
                    &format!("{endpoint}-c{connections}-r{round}"),
                    &run,
                    &read_script,
                )?;
                let row = Row {
                    endpoint: endpoint.to_owned(),
                    connections,
                    round,
                    outcome,
                };
                say_phase(&row);
                rows.push(row);
            }
        }
    }

    if config.sync_requests > 0 {
        // Paced at 1.5 a second, 64 connections would each sit idle for 43 s: past actix-web's keep-alive,
        // which wrk, never retrying, would count as errors. So sync runs at the levels the rate keeps busy.
        for connections in wrk::paced_levels(&config.connections, config.sync_rate) {
            service.check_alive()?;
            let threads = threads(connections);
            let per_thread = config.sync_requests.div_ceil(u64::from(threads));
            // Every thread may have one request in flight on each of its connections when it stops.
            let calls = per_thread * u64::from(threads) + u64::from(connections);
            let wait = quota.wait_for(Instant::now(), calls).ok_or_else(|| {
                format!("{calls} sync calls never fit TikTok's quota: lower BENCH_SYNC_REQUESTS")
            })?;
            if !wait.is_zero() {
                println!(
                    "  (waiting {:.0} s for TikTok's quota of {USER_INFO_PER_MINUTE} user/info calls a minute)",
                    wait.as_secs_f64().ceil()
                );
                std::thread::sleep(wait);
            }
            quota.spend(Instant::now(), calls);
            let run = wrk::Run {
                base_url: &api,
                method: "POST",
                token: Some(&admin),
                paths: &sync_paths,
                connections,
                threads,
                // The paced sends take requests / rate; the rest is room for the last answers.
                duration: Duration::from_secs_f64(config.sync_requests as f64 / config.sync_rate)
                    + Duration::from_secs(5),
                budget_per_thread: per_thread,
                rate_per_second: Some(config.sync_rate),
            };
            let outcome = run_wrk(
                &config,
                &format!("sync-c{connections}"),
                &run,
                &count_script,
            )?;
            let row = Row {
                endpoint: "sync".to_owned(),
                connections,
                round: 0,
                outcome,
            };
            say_phase(&row);
            rows.push(row);
        }
    }

    service.check_alive()?;
    let service_peak = peak_rss_kb(service.pid());
    let yardstick_peak = peak_rss_kb(yardstick.pid());
    let user_info_calls = runtime.block_on(async {
        let response = http.get(format!("{sandbox}/sandbox")).send().await;
        match response {
            Ok(response) => json(response, "the sandbox's overview")
                .await
                .map(|o| o["requests"]["user_info"].as_u64()),
            Err(e) => Err(format!("the sandbox's overview: {e}")),
        }
    });
    drop(service);
    drop(yardstick);

    println!();
    let summaries = report::summarize(&rows);
    print!("{}", report::table(&summaries));
    let mb = |kb: Option<u64>| {
        kb.map_or_else(
            || "?".to_owned(),
            |kb| format!("{:.1} MB", kb as f64 / 1024.0),
        )
    };
    println!(
        "peak resident set (VmHWM): service {} (with the in-process sandbox), yardstick {}",
        mb(service_peak),
        mb(yardstick_peak)
    );
    match user_info_calls {
        Ok(Some(calls)) => println!(
            "TikTok sandbox user/info calls during the run: {calls} (quota {USER_INFO_PER_MINUTE} a minute)"
        ),
        Ok(None) => println!("TikTok sandbox user/info calls: not in the sandbox's overview"),
        Err(e) => println!("TikTok sandbox user/info calls: unknown ({e})"),
    }
    println!(
        "machine: {} cores; load average (1, 5, 15 min) before the run {load_before}, after it {}",
        config.cores,
        load_average()
    );
    println!();
    let verdicts = report::check(&summaries, service_peak, &Targets::default());
    for verdict in &verdicts {
        println!(
            "{} {}",
            if verdict.pass { "PASS" } else { "FAIL" },
            verdict.what
        );
    }
    for line in report::information(&summaries) {
        println!("INFO {line}");
    }
    let all = verdicts.iter().all(|v| v.pass);
    println!(
        "{}",
        if all {
            "bench: every target holds"
        } else {
            "bench: a target is missed (exit code 1)"
        }
    );
    Ok(all)
}

/// The 1, 5 and 15 minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Seconds since the epoch, to tell this run's databases from an earlier one's.
fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

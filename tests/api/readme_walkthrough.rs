//! The README's walkthrough, run as written, so that the README cannot drift from the service.
//!
//! The walkthrough is every ```` ```sh ```` block of README.md between `<!-- walkthrough -->` and
//! `<!-- /walkthrough -->`. Each command line runs, in order, in one `bash` (with `set -euo pipefail`, so a
//! command that fails fails the test), against the built `tiktok-integration serve` started as `make run`
//! starts it: development, no `TIKTOK_CLIENT_ID`, so the bundled TikTok sandbox stands in for TikTok. Only
//! the addresses differ: the API and the sandbox listen on free ports, handed to the walkthrough as `BASE`
//! and `SANDBOX` (the README's defaults are `make run`'s `:8080` and `:8081`). A `# → …` line under a command
//! is what the command prints: each part between `…` must appear in its output.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use tiktok_integration_tests::built_server::serve_command;
use tiktok_integration_tests::{Backend, TestDatabase};

on_both_backends!(the_readme_walkthrough_runs_as_written_against_the_built_service);

/// The README, as the build saw it (cargo rebuilds the test when it changes).
const README: &str = include_str!("../../README.md");

/// Where the walkthrough starts and ends in the README.
const START: &str = "<!-- walkthrough -->";
const END: &str = "<!-- /walkthrough -->";

/// What announces an expected output under a command.
const EXPECT: &str = "# →";

/// A guard against a hang (a service that never starts, a command that never returns), not a timing
/// assertion: the walkthrough takes a few seconds.
const GUARD: Duration = Duration::from_secs(120);

async fn the_readme_walkthrough_runs_as_written_against_the_built_service(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let steps = walkthrough(README);
    let expectations: usize = steps.iter().map(|s| s.expected.len()).sum();
    assert!(
        steps.len() >= 10 && expectations >= 8,
        "the README's walkthrough ({START} … {END}) has {} commands and {expectations} `{EXPECT}` lines: \
         was it moved or were its markers lost?",
        steps.len()
    );
    let service = Service::start(db.url()).await;
    let script = script(&steps);
    let (base, sandbox) = (service.base.clone(), service.sandbox.clone());
    let run = tokio::task::spawn_blocking(move || run_bash(&script, &base, &sandbox))
        .await
        .expect("the walkthrough's runner");
    assert!(matches("{\"a\":1,…} 200", "{\"a\":1,\"b\":2} 200"));
    assert!(!matches("{\"a\":1,…} 200", "{\"a\":1,\"b\":2} 404"));
    assert!(!matches("{\"a\":1,…} 200", "x{\"a\":1,\"b\":2} 200"));
    assert!(matches("…/v2/x?k=…&s=…", "http://h/v2/x?k=1&s=2"));
    assert!(!matches("…&s=…&k=…", "http://h/v2/x?k=1&s=2"));
    assert!(matches("{\"faults\":[]} 200", "{\"faults\":[]} 200"));
    assert!(!matches("{\"faults\":[]} 200", "{\"faults\":[]} 2000"));
    let outputs = split_outputs(&run.stdout, steps.len());
    let mut failures = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let output = outputs.get(index).map(String::as_str);
        for expected in &step.expected {
            let Some(output) = output else {
                failures.push(format!("`{}` never ran", step.command));
                break;
            };
            if !matches(expected, output) {
                failures.push(format!(
                    "`{}` printed {output:?}, not `{expected}`",
                    step.command
                ));
            }
        }
    }
    if !run.success || !failures.is_empty() {
        panic!(
            "the README walkthrough on {backend:?} {}:\n{}\n--- stdout\n{}\n--- stderr\n{}\n--- service log (last lines)\n{}",
            if run.success { "ran, but its outputs differ" } else { "failed" },
            failures.join("\n"),
            run.stdout,
            run.stderr,
            service.log_tail(40),
        );
    }
}

/// Whether `output` is what `expected` shows: its parts between `…` in order, `…` standing for anything
/// (nothing included). Without a leading `…` the output starts with the first part; without a trailing one
/// it ends with the last (so `…} 200` means "ends with `} 200`": the body, then the HTTP status).
fn matches(expected: &str, output: &str) -> bool {
    let parts: Vec<&str> = expected.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return output == first;
    }
    let Some(mut rest) = output.strip_prefix(first) else {
        return false;
    };
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// One command of the walkthrough and what the README says it prints.
#[derive(Debug)]
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The commands of the walkthrough, in order, each with its `# →` lines.
fn walkthrough(readme: &str) -> Vec<Step> {
    let start = readme
        .find(START)
        .unwrap_or_else(|| panic!("README.md has no {START} marker"));
    let length = readme[start..]
        .find(END)
        .unwrap_or_else(|| panic!("README.md has no {END} marker after {START}"));
    let section = &readme[start..start + length];
    let mut steps: Vec<Step> = Vec::new();
    let mut in_block = false;
    let mut continued: Option<String> = None;
    for line in section.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_block = !in_block && trimmed == "```sh";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(head) = continued.take() {
            let command = format!("{head}\n{line}");
            if line.ends_with('\\') {
                continued = Some(command);
            } else {
                steps.push(Step {
                    command,
                    expected: Vec::new(),
                });
            }
            continue;
        }
        if let Some(expected) = trimmed.strip_prefix(EXPECT) {
            steps
                .last_mut()
                .unwrap_or_else(|| panic!("`{trimmed}` follows no command"))
                .expected
                .push(expected.trim().to_owned());
        } else if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        } else if line.ends_with('\\') {
            continued = Some(line.to_owned());
        } else {
            steps.push(Step {
                command: line.to_owned(),
                expected: Vec::new(),
            });
        }
    }
    steps
}

/// Byte that starts the line announcing each command's output in the script's standard output.
const MARK: char = '\u{1e}';

/// The walkthrough as one bash script: stops at the first failing command; announces each command before it
/// runs, so that its output can be told apart.
fn script(steps: &[Step]) -> String {
    let mut script = String::from("set -euo pipefail\n");
    for (index, step) in steps.iter().enumerate() {
        script.push_str(&format!(
            "printf '\\n\\036%d\\n' {index}\n{}\n",
            step.command
        ));
    }
    script.push_str("printf '\\n\\036end\\n'\n");
    script
}

/// Each command's output, by index (commands after a failure have none).
fn split_outputs(stdout: &str, commands: usize) -> Vec<String> {
    let mut outputs = vec![None; commands];
    for chunk in stdout.split(MARK).skip(1) {
        let (label, output) = chunk.split_once('\n').unwrap_or((chunk, ""));
        if let Ok(index) = label.parse::<usize>() {
            if index < commands {
                outputs[index] = Some(output.trim_end_matches('\n').to_owned());
            }
        }
    }
    outputs.into_iter().map_while(|o| o).collect()
}

struct BashRun {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs the script with `BASE` and `SANDBOX` set, under the hang guard.
fn run_bash(script: &str, base: &str, sandbox: &str) -> BashRun {
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("BASE", base)
        .env("SANDBOX", sandbox)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs (the README's walkthrough needs bash, curl and python3)");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("bash's status") {
            break Some(status);
        }
        if started.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let mut stderr = stderr.join().unwrap_or_default();
    if status.is_none() {
        stderr.push_str(&format!("\n(killed: still running after {GUARD:?})"));
    }
    BashRun {
        success: status.is_some_and(|s| s.success()),
        stdout,
        stderr,
    }
}

/// Reads a pipe to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// `tiktok-integration serve` as `make run` starts it, on free ports; killed when dropped.
struct Service {
    child: Child,
    base: String,
    sandbox: String,
    log: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Service {
    /// Starts the built binary in an empty directory (no `.env`, no `config/`: the compiled-in defaults, as
    /// `make run` has them) on `database_url`, and waits until it is ready.
    async fn start(database_url: &str) -> Service {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // `make run`'s settings but the addresses (free ports instead of 8080, 8081 and 9464), the
        // scheduled sync off (the walkthrough syncs by hand) and JSON logs, to read the addresses from.
        let mut child = serve_command(
            &assert_cmd::cargo::cargo_bin("tiktok-integration"),
            dir.path(),
            database_url,
        )
        .stderr(Stdio::piped())
        .spawn()
        .expect("the service starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, addresses) = mpsc::channel();
        watch_log(child.stdout.take(), Arc::clone(&log), Some(found));
        watch_log(child.stderr.take(), Arc::clone(&log), None);
        let mut service = Service {
            child,
            base: String::new(),
            sandbox: String::new(),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + GUARD;
        while service.base.is_empty() || service.sandbox.is_empty() {
            match addresses.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Address::Api(port)) => service.base = format!("http://127.0.0.1:{port}"),
                Ok(Address::Sandbox(url)) => service.sandbox = url,
                Err(_) => panic!(
                    "the service did not say where it listens; its log:\n{}",
                    service.log_tail(40)
                ),
            }
        }
        let http = reqwest::Client::new();
        loop {
            let ready = http
                .get(format!("{}/health/ready", service.base))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the service never became ready; its log:\n{}",
                service.log_tail(40)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        service
    }

    fn log_tail(&self, lines: usize) -> String {
        let log = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        log[log.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An address the service announced in its log.
enum Address {
    Api(u64),
    Sandbox(String),
}

/// Keeps every log line; reports the API's port ("API server listening", `port`) and the sandbox's URL
/// (the loud warning's `sandbox`) when `found` is given.
fn watch_log(
    pipe: Option<impl Read + Send + 'static>,
    log: Arc<Mutex<Vec<String>>>,
    found: Option<mpsc::Sender<Address>>,
) {
    let Some(pipe) = pipe else { return };
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let Some(found) = &found {
                let fields = serde_json::from_str::<serde_json::Value>(&line)
                    .ok()
                    .and_then(|v| v.get("fields").cloned());
                if let Some(fields) = fields {
                    let message = fields["message"].as_str().unwrap_or_default();
                    if let (true, Some(port)) = (
                        message.starts_with("API server listening"),
                        fields["port"].as_u64(),
                    ) {
                        let _ = found.send(Address::Api(port));
                    }
                    if let Some(url) = fields["sandbox"].as_str() {
                        let _ = found.send(Address::Sandbox(url.to_owned()));
                    }
                }
            }
            if let Ok(mut log) = log.lock() {
                log.push(line);
            }
        }
    });
}

#[test]
fn the_walkthrough_parser_keeps_commands_in_order_with_their_expectations() {
    let readme = "intro\n```sh\nnot = walkthrough\n```\n<!-- walkthrough -->\n```sh\nA=1  # set\n# a comment\n\
                  echo \"$A\"\n# → 1\n```\ntext\n```json\n{\"no\": 1}\n```\n```sh\ncurl \\\n  -s x\n# → a … b\n# → c\n```\n\
                  <!-- /walkthrough -->\n```sh\nafter\n```\n";
    let steps = walkthrough(readme);
    let summary: Vec<(&str, Vec<&str>)> = steps
        .iter()
        .map(|s| {
            (
                s.command.as_str(),
                s.expected.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("A=1  # set", vec![]),
            ("echo \"$A\"", vec!["1"]),
            ("curl \\\n  -s x", vec!["a … b", "c"]),
        ]
    );
    assert!(matches("{\"a\":1,…} 200", "{\"a\":1,\"b\":2} 200"));
    assert!(!matches("{\"a\":1,…} 200", "{\"a\":1,\"b\":2} 404"));
    assert!(!matches("{\"a\":1,…} 200", "x{\"a\":1,\"b\":2} 200"));
    assert!(matches("…/v2/x?k=…&s=…", "http://h/v2/x?k=1&s=2"));
    assert!(!matches("…&s=…&k=…", "http://h/v2/x?k=1&s=2"));
    assert!(matches("{\"faults\":[]} 200", "{\"faults\":[]} 200"));
    assert!(!matches("{\"faults\":[]} 200", "{\"faults\":[]} 2000"));
    let outputs = split_outputs(
        "\n\u{1e}0\n\n\u{1e}1\n1\n\n\u{1e}2\na x b\nc\n\n\u{1e}end\n",
        3,
    );
    assert_eq!(outputs, vec!["", "1", "a x b\nc"]);
}

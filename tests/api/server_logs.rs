//! The built server's own log output: its lines leave through a writer thread of their own
//! (`telemetry::init`), so this checks from outside that none is lost or mangled on the way: one whole
//! JSON access line per request, each with its own request id, and the lines still queued at a `SIGTERM`
//! written before the process exits.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tiktok_integration_tests::built_server::serve_command;

/// Requests sent at once: enough for lines to queue behind the writer thread.
const REQUESTS: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_s_access_line_reaches_standard_output_whole_and_sigterm_flushes_the_rest() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut child = serve_command(
        &assert_cmd::cargo::cargo_bin("tiktok-integration"),
        dir.path(),
        "sqlite::memory:",
    )
    .stderr(Stdio::null())
    .spawn()
    .expect("the server starts");

    // Every line of standard output, in order; the API's port as soon as it is announced.
    let (port_found, port) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let parsed: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not one whole JSON line ({e}): {line:?}"));
            if parsed["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("API server listening"))
            {
                let _ = port_found.send(parsed["fields"]["port"].as_u64().expect("a port"));
            }
            lines.push(parsed);
        }
        lines
    });
    let port = port
        .recv_timeout(Duration::from_secs(60))
        .expect("the server announced its port");

    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/health/live");
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..REQUESTS {
        requests.spawn(http.get(&url).send());
    }
    let mut request_ids = HashSet::new();
    while let Some(answer) = requests.join_next().await {
        let answer = answer
            .expect("the request task ends")
            .expect("the server answers");
        assert_eq!(answer.status(), 200);
        let id = answer.headers()["x-request-id"].to_str().expect("ascii");
        request_ids.insert(id.to_owned());
    }
    assert_eq!(request_ids.len(), REQUESTS, "every request has its own id");

    // At once, while lines may still be queued.
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());
    let exit = child.wait().expect("the server exits");
    assert!(exit.success(), "SIGTERM is a clean stop: {exit:?}");
    let lines = reader.join().expect("the reader thread ends");

    let logged: Vec<&str> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request")
        .map(|l| {
            assert_eq!(l["fields"]["route"], "/health/live", "{l}");
            assert_eq!(l["fields"]["status"], 200, "{l}");
            l["fields"]["request_id"].as_str().expect("a request id")
        })
        .collect();
    assert_eq!(logged.len(), REQUESTS, "one access line per request");
    assert_eq!(
        logged
            .iter()
            .map(|id| id.to_string())
            .collect::<HashSet<_>>(),
        request_ids,
        "the access lines carry the ids the answers carried"
    );
    let last = lines.last().expect("lines");
    assert_eq!(
        last["fields"]["message"], "TikTok integration service stopped",
        "the last line before the exit is written: {last}"
    );
}

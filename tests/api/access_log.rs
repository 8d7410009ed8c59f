//! One access line per request at `info`: method, route template, status, latency and request id, never the
//! query string.

use reqwest::Method;
use tiktok_integration_tests::capture::capture_logs;
use tiktok_integration_tests::{Backend, TestApp};

on_both_backends!(each_request_writes_one_access_line_with_its_route_template_and_no_query);

async fn each_request_writes_one_access_line_with_its_route_template_and_no_query(
    backend: Backend,
) {
    let logs = capture_logs();
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let path = "/api/v1/integrations/tiktok/status/access-log-user?probe=query-never-logged";
    let answer = app.call(Method::GET, path, "access-log-user").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let request_id = answer.headers["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();

    let contents = logs.contents();
    let lines: Vec<&str> = contents
        .lines()
        .filter(|line| line.contains(&request_id) && line.contains(" request "))
        .collect();
    assert_eq!(lines.len(), 1, "exactly one access line: {lines:#?}");
    let line = lines[0];
    for part in [
        "INFO",
        "method=\"GET\"",
        "route=\"/api/v1/integrations/tiktok/status/{user_id}\"",
        "status=200",
        "latency_ms=",
    ] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    assert!(
        !contents.contains("query-never-logged"),
        "a query string reached the logs"
    );
}

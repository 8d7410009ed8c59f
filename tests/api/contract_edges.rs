//! What the OpenAPI document promises, the service does: 405 names the allowed methods, `HEAD` answers like
//! `GET` without a body, history dates outside years 1970–9999 are 400 (never a panic or a 500, on either
//! database) and every instant answered is RFC 3339, and a webhook body built from the document's schema is
//! accepted.

use reqwest::Method;
use serde_json::{json, Map, Value};
use tiktok_integration_tests::{Backend, TestApp};

use crate::webhooks::deliver_signed;

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    a_405_names_the_methods_the_route_takes,
    head_on_a_get_route_answers_like_get_without_the_body,
    history_dates_outside_the_years_are_400_and_answers_stay_rfc3339,
    a_webhook_body_built_from_the_documents_schema_is_accepted,
);

async fn a_405_names_the_methods_the_route_takes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token();
    for (method, path, allow) in [
        (Method::PUT, format!("{BASE}/status/42"), "GET, HEAD"),
        (
            Method::POST,
            format!("{BASE}/metrics/42/history"),
            "GET, HEAD",
        ),
        (Method::PATCH, format!("{BASE}/sync/42"), "POST"),
        (Method::GET, format!("{BASE}/disconnect/42"), "DELETE"),
        (Method::GET, format!("{BASE}/webhooks"), "POST"),
        (Method::DELETE, "/health/live".to_owned(), "GET, HEAD"),
    ] {
        let answer = app.call_with(method.clone(), &path, Some(&admin)).await;
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(
            answer.error_code(),
            Some("method_not_allowed"),
            "{method} {path}"
        );
        assert_eq!(
            answer.headers.get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
    }
}

async fn head_on_a_get_route_answers_like_get_without_the_body(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let creator = app.user_token("42");
    for (path, token, status) in [
        ("/health/live".to_owned(), None, 200),
        (format!("{BASE}/status/42"), Some(creator.as_str()), 200),
        (format!("{BASE}/metrics/42"), Some(creator.as_str()), 404),
        (format!("{BASE}/status/42"), None, 401),
        (format!("{BASE}/status/7"), Some(creator.as_str()), 403),
    ] {
        let get = app.call_with(Method::GET, &path, token).await;
        let head = app.call_with(Method::HEAD, &path, token).await;
        assert_eq!((get.status, head.status), (status, status), "{path}");
        assert!(head.text.is_empty(), "HEAD {path} has no body");
        assert_eq!(
            head.headers.get("content-type"),
            get.headers.get("content-type"),
            "HEAD {path}"
        );
        assert_eq!(
            head.headers.get("content-length"),
            get.headers.get("content-length"),
            "HEAD {path}: the length GET's body would have"
        );
    }
}

async fn history_dates_outside_the_years_are_400_and_answers_stay_rfc3339(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let history = |query: &str| format!("{BASE}/metrics/42/history?{query}");
    for query in [
        "to=-262143-01-01",
        "from=-262143-01-01&to=2026-01-01",
        "to=%2B262142-12-31",
        "from=0000-01-01T00:00:00Z&to=2026-01-01",
        "to=10000-01-01",
        "from=1969-12-31T23:59:59Z&to=2026-01-01",
        "to=99999-01-01T00:00:00Z",
    ] {
        let answer = app.call(Method::GET, &history(query), "42").await;
        assert_eq!(answer.status, 400, "{query}: {}", answer.text);
        assert_eq!(answer.error_code(), Some("invalid_request"), "{query}");
    }
    for (query, from, to) in [
        (
            "to=9999-12-31T23:59:59-23:59",
            "9999-12-01T23:59:59Z",
            "9999-12-31T23:59:59Z",
        ),
        (
            "from=1970-01-01T00:00:00%2B23:59&to=1970-01-02",
            "1970-01-01T00:00:00Z",
            "1970-01-02T00:00:00Z",
        ),
        (
            "from=9999-12-30&to=9999-12-31",
            "9999-12-30T00:00:00Z",
            "9999-12-31T00:00:00Z",
        ),
        (
            "to=1970-01-05",
            "1969-12-06T00:00:00Z",
            "1970-01-05T00:00:00Z",
        ),
    ] {
        let answer = app.call(Method::GET, &history(query), "42").await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.text);
        assert_eq!(answer.body["from"], json!(from), "{query}");
        assert_eq!(answer.body["to"], json!(to), "{query}");
        assert_eq!(answer.body["points"], json!([]), "{query}");
    }
}

async fn a_webhook_body_built_from_the_documents_schema_is_accepted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let document = app
        .call_with(Method::GET, "/api/v1/openapi.json", None)
        .await;
    let body_schema = &document.body["paths"][format!("{BASE}/webhooks")]["post"]["requestBody"]
        ["content"]["application/json"]["schema"];
    let schema = match body_schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().expect("a component name");
            &document.body["components"]["schemas"][name]
        }
        None => body_schema,
    };
    assert_eq!(
        schema["type"], "object",
        "the webhook body is an object: {schema}"
    );
    let mut event = Map::new();
    for (name, property) in schema["properties"].as_object().expect("properties") {
        let value = match (name.as_str(), property["type"].as_str()) {
            ("client_key", _) => json!(app.sandbox.client_key()),
            (_, Some("integer")) => json!(chrono::Utc::now().timestamp()),
            (_, Some("string")) => json!("video.upload.failed"),
            (_, other) => panic!("{name}: an unexpected type {other:?}"),
        };
        event.insert(name.clone(), value);
    }
    for required in schema["required"].as_array().expect("required fields") {
        assert!(event.contains_key(required.as_str().unwrap_or_default()));
    }
    let answer = deliver_signed(&app, &Value::Object(event).to_string()).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

/// What actix-http answers before any middleware (docs/api.md, "Errors actix-http answers itself"): a status
/// and an empty body, and the connection is closed — never a hang. This pins the documented table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_http_parser_refuses_get_the_documented_empty_answers() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let long_url = format!(
        "GET /health/live?{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers = format!(
        "GET /health/live HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..100)
            .map(|i| format!("X-{i}: a\r\n"))
            .collect::<String>()
    );
    for (name, request, status) in [
        ("a URL over 64 KiB", long_url, "400"),
        (
            "a request line that is not HTTP",
            "GARBAGE\r\n\r\n".to_owned(),
            "400",
        ),
        ("more than 96 header fields", many_headers, "431"),
    ] {
        let address = app.address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connects");
        stream.write_all(request.as_bytes()).await.expect("sends");
        let mut answer = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_string(&mut answer),
        )
        .await
        .unwrap_or_else(|_| panic!("{name}: the connection is closed, not left hanging"))
        .expect("reads");
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{name}: {answer}"
        );
        assert!(answer.contains("content-length: 0"), "{name}: {answer}");
    }
}

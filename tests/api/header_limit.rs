//! A request's headers are bounded (`server.max_header_bytes`, 16 KiB by default): past it the service answers
//! 431 `request_header_fields_too_large` in the contract's JSON, before authentication or routing, on every
//! route; headers under the limit are served as before.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use tiktok_integration_tests::flow::{answer, Answer};
use tiktok_integration_tests::{Backend, TestApp};

const STATUS: &str = "/api/v1/integrations/tiktok/status/42";

on_both_backends!(headers_over_16_kib_answer_431_in_the_contracts_shape);

/// `count` headers `x-pad-<i>` of `bytes` bytes each.
fn padding(count: usize, bytes: usize) -> HeaderMap {
    (0..count)
        .map(|i| {
            (
                HeaderName::try_from(format!("x-pad-{i}")).expect("a name"),
                HeaderValue::from_str(&"p".repeat(bytes)).expect("a value"),
            )
        })
        .collect()
}

async fn get(app: &TestApp, path: &str, headers: HeaderMap) -> Answer {
    let response = app
        .http
        .get(app.url(path))
        .headers(headers)
        .send()
        .await
        .expect("the service answers");
    answer(response).await
}

fn assert_431(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 431, "{what}: {}", answer.text);
    assert_eq!(
        answer.error_code(),
        Some("request_header_fields_too_large"),
        "{what}: {}",
        answer.text
    );
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{what}: {}",
        answer.text
    );
}

async fn headers_over_16_kib_answer_431_in_the_contracts_shape(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = app.user_token("42");
    let with_token = |mut headers: HeaderMap| {
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).expect("a value"),
        );
        headers
    };

    // Many headers, none large, 18 KiB in all.
    let many = get(&app, STATUS, with_token(padding(3, 6_000))).await;
    assert_431(&many, "three 6,000-byte headers");
    // One oversized credential: refused for its size before it is verified.
    let huge_token = format!("Bearer {}", "a".repeat(17_000));
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_str(&huge_token).unwrap());
    assert_431(
        &get(&app, STATUS, headers).await,
        "a 17,000-byte Authorization",
    );
    // Routes without authentication too.
    assert_431(
        &get(&app, "/health/live", padding(3, 6_000)).await,
        "a probe",
    );

    // 12 KiB of headers are served.
    let under = get(&app, STATUS, with_token(padding(2, 6_000))).await;
    assert_eq!(under.status, 200, "{}", under.text);
    assert_eq!(under.body["user_id"], "42");
}

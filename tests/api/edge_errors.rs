//! Bad input gets the contract's JSON error and a 4xx; never a panic, a 500 or a hang.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp, OTHER_REDIRECT_URI, REDIRECT_URI};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    malformed_parameters_answer_400_invalid_request,
    the_http_layer_itself_answers_in_the_contracts_shape,
    redirect_uris_must_match_the_allow_list_byte_for_byte,
    a_state_is_single_use_bound_to_its_user_and_spent_on_decline,
    a_refused_code_answers_invalid_grant,
);

async fn malformed_parameters_answer_400_invalid_request(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token();
    let long = "a".repeat(129);
    for (method, path) in [
        (Method::GET, format!("{BASE}/status/bad%20id")),
        (Method::GET, format!("{BASE}/status/{long}")),
        (Method::POST, format!("{BASE}/sync/%2F")),
        (Method::GET, format!("{BASE}/metrics/a%3Cb")),
        (Method::DELETE, format!("{BASE}/disconnect/%C3%BC")),
        (Method::POST, format!("{BASE}/auth/init")),
        (Method::POST, format!("{BASE}/auth/init?user_id=")),
        (
            Method::POST,
            format!("{BASE}/auth/callback?code=abc&user_id=42"),
        ),
        (Method::POST, format!("{BASE}/auth/callback?state=abc")),
    ] {
        let answer = app.call_with(method.clone(), &path, Some(&admin)).await;
        assert_eq!(answer.status, 400, "{method} {path}: {}", answer.text);
        assert_eq!(
            answer.error_code(),
            Some("invalid_request"),
            "{method} {path}"
        );
        assert!(answer.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

async fn the_http_layer_itself_answers_in_the_contracts_shape(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token();
    let unknown = app
        .call_with(Method::GET, "/api/v1/nothing-here", Some(&admin))
        .await;
    assert_eq!(
        (unknown.status, unknown.error_code()),
        (404, Some("not_found"))
    );
    let wrong_method = app
        .call_with(Method::PUT, &format!("{BASE}/status/42"), Some(&admin))
        .await;
    assert_eq!(
        (wrong_method.status, wrong_method.error_code()),
        (405, Some("method_not_allowed"))
    );
    let long_url = app
        .call_with(
            Method::GET,
            &format!("{BASE}/status/42?pad={}", "x".repeat(17_000)),
            Some(&admin),
        )
        .await;
    assert_eq!(
        (long_url.status, long_url.error_code()),
        (414, Some("uri_too_long"))
    );
    let big_body = app
        .http
        .post(app.url(&format!("{BASE}/sync/42")))
        .bearer_auth(&admin)
        .body(vec![b'x'; 100_000])
        .send()
        .await
        .unwrap();
    let big_body = tiktok_integration_tests::flow::answer(big_body).await;
    assert!(
        big_body.status < 500,
        "a large body is not a server error: {}",
        big_body.status
    );
    assert!(
        big_body.error_code().is_some() || big_body.status == 404,
        "{}",
        big_body.text
    );
    let live = app.call_with(Method::GET, "/health/live", None).await;
    assert_eq!(live.status, 200);
    let ready = app.call_with(Method::GET, "/health/ready", None).await;
    assert_eq!(ready.status, 200);
    assert!(
        ready.headers.contains_key("x-request-id"),
        "every answer names its request id"
    );
    assert_eq!(ready.headers["x-content-type-options"], "nosniff");
}

async fn redirect_uris_must_match_the_allow_list_byte_for_byte(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let init = |uri: String| {
        let app = &app;
        async move {
            let mut url = url::Url::parse(&app.url(&format!("{BASE}/auth/init"))).unwrap();
            url.query_pairs_mut()
                .append_pair("user_id", "42")
                .append_pair("redirect_uri", &uri);
            let path = format!("{}?{}", url.path(), url.query().unwrap());
            app.call(Method::POST, &path, "42").await
        }
    };
    let ok = init(OTHER_REDIRECT_URI.to_owned()).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(ok.body["authorization_url"]
        .as_str()
        .unwrap()
        .contains("onboarding"));
    for bad in [
        format!("{REDIRECT_URI}/"),
        REDIRECT_URI.to_uppercase(),
        format!("{REDIRECT_URI}?x=1"),
        "https://evil.example/creator-dashboard/settings".to_owned(),
        "javascript:alert(1)".to_owned(),
    ] {
        let answer = init(bad.clone()).await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (400, Some("invalid_redirect_uri")),
            "{bad}"
        );
    }
}

async fn a_state_is_single_use_bound_to_its_user_and_spent_on_decline(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // Reused state.
    let init = app.init("42").await;
    let query = app
        .authorize_at_tiktok(init.body["authorization_url"].as_str().unwrap(), "")
        .await;
    assert_eq!(app.callback("42", &query).await.status, 200);
    let replay = app.callback("42", &query).await;
    assert_eq!(
        (replay.status, replay.error_code()),
        (400, Some("invalid_state"))
    );

    // A state issued to another user is refused, and left to its owner (issue #9, item 6).
    let init = app.init("alice").await;
    let url = init.body["authorization_url"].as_str().unwrap();
    // Another TikTok account than 42's, so that alice may connect it.
    let query = app
        .authorize_at_tiktok(url, "&sandbox_user=sandbox_star")
        .await;
    let foreign = app.callback("mallory", &query).await;
    assert_eq!(
        (foreign.status, foreign.error_code()),
        (400, Some("invalid_state"))
    );
    let owner = app.callback("alice", &query).await;
    assert_eq!(owner.status, 200, "not spent by mallory: {}", owner.text);
    let replayed = app.callback("alice", &query).await;
    assert_eq!(
        (replayed.status, replayed.error_code()),
        (400, Some("invalid_state")),
        "spent on its owner's first use"
    );

    // A malformed code is refused, and spends the state.
    let init = app.init("carol").await;
    let mut query = app
        .authorize_at_tiktok(init.body["authorization_url"].as_str().unwrap(), "")
        .await;
    let good = query.clone();
    for (k, v) in query.iter_mut() {
        if k == "code" {
            *v = "has a space".into();
        }
    }
    let malformed = app.callback("carol", &query).await;
    assert_eq!(
        (malformed.status, malformed.error_code()),
        (400, Some("invalid_request"))
    );
    let after = app.callback("carol", &good).await;
    assert_eq!(
        after.error_code(),
        Some("invalid_state"),
        "the malformed attempt spent the state"
    );

    // Unknown state.
    let unknown = app
        .callback(
            "42",
            &[
                ("code".into(), "abc".into()),
                ("state".into(), "no-such-state".into()),
            ],
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.error_code()),
        (400, Some("invalid_state"))
    );

    // Declined at TikTok: authorization_denied, and the state is spent.
    let init = app.init("bob").await;
    let declined = app
        .authorize_at_tiktok(
            init.body["authorization_url"].as_str().unwrap(),
            "&sandbox_deny=1",
        )
        .await;
    assert!(declined.iter().any(|(k, _)| k == "error"));
    let answer = app.callback("bob", &declined).await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (400, Some("authorization_denied"))
    );
    let again = app.callback("bob", &declined).await;
    assert_eq!(again.error_code(), Some("invalid_state"));
}

async fn a_refused_code_answers_invalid_grant(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let init = app.init("42").await;
    let mut query = app
        .authorize_at_tiktok(init.body["authorization_url"].as_str().unwrap(), "")
        .await;
    for (k, v) in query.iter_mut() {
        if k == "code" {
            v.push_str("tampered");
        }
    }
    let answer = app.callback("42", &query).await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (400, Some("invalid_grant")),
        "{}",
        answer.text
    );
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "not_connected", "nothing stored");
}

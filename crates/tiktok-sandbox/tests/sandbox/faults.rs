//! Fault switches, from Rust and over HTTP, and the grant-level switches.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

use crate::common::*;

#[tokio::test]
async fn a_server_error_fault_hits_the_next_n_requests_then_clears_itself() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    sbx.inject_fault(
        Fault::new(FaultKind::InternalError)
            .on(Endpoint::UserInfo)
            .times(2),
    );
    for _ in 0..2 {
        let (status, body) = user_info(&sbx, &token, "open_id").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal_error");
    }
    assert_eq!(user_info(&sbx, &token, "open_id").await.0, StatusCode::OK);
    assert_eq!(sbx.request_count(Endpoint::UserInfo), 3);
    assert!(sbx.faults().is_empty());
}

#[tokio::test]
async fn rate_limited_and_unavailable_faults_use_each_endpoints_error_shape() {
    let sbx = start();
    sbx.inject_fault(
        Fault::new(FaultKind::RateLimited)
            .on(Endpoint::Token)
            .times(1),
    );
    let (status, body) = refresh(&sbx, "rft.x").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body["error"].is_string(), "flat OAuth error: {body}");
    sbx.inject_fault(Fault::new(FaultKind::ServiceUnavailable).times(1));
    let (status, body) = user_info(&sbx, "act.x", "open_id").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body["error"]["code"].is_string(),
        "Display API envelope: {body}"
    );
}

#[tokio::test]
async fn a_garbage_fault_answers_200_with_a_body_that_is_not_json() {
    let sbx = start();
    sbx.inject_fault(Fault::new(FaultKind::Garbage).on(Endpoint::Token).times(1));
    let resp = http()
        .post(format!("{}/v2/oauth/token/", sbx.base_url()))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap_or_default();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
}

#[tokio::test]
async fn a_slow_fault_delays_the_answer_and_then_answers_normally() {
    let sbx = start();
    sbx.inject_fault(Fault::new(FaultKind::Slow { delay_ms: 300 }).on(Endpoint::UserInfo));
    let started = Instant::now();
    let (status, _) = user_info(&sbx, "act.x", "open_id").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn close_connection_and_hang_faults_leave_the_client_without_an_answer() {
    let sbx = start();
    sbx.inject_fault(
        Fault::new(FaultKind::CloseConnection)
            .on(Endpoint::Revoke)
            .times(1),
    );
    let url = format!("{}/v2/oauth/revoke/", sbx.base_url());
    let closed = async { http().post(&url).send().await?.bytes().await }.await;
    assert!(closed.is_err(), "connection closed: {closed:?}");

    sbx.inject_fault(Fault::new(FaultKind::Hang).on(Endpoint::Revoke).times(1));
    let started = Instant::now();
    let hung = http()
        .post(&url)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.is_err_and(|e| e.is_timeout()));
    assert!(started.elapsed() < Duration::from_secs(5));
    sbx.stop().await;
}

#[tokio::test]
async fn faults_can_be_switched_over_http_by_an_operator() {
    let sbx = start();
    let faults = format!("{}/sandbox/faults", sbx.base_url());
    let resp = http()
        .post(&faults)
        .json(&json!({"endpoint": "authorize", "kind": "rate_limited", "times": 1}))
        .send()
        .await
        .expect("post fault");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        sbx.faults(),
        vec![Fault::new(FaultKind::RateLimited)
            .on(Endpoint::Authorize)
            .times(1)]
    );
    let resp = http()
        .post(&faults)
        .json(&json!({"kind": "teapot"}))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    http().delete(&faults).send().await.expect("delete");
    assert!(sbx.faults().is_empty());
    let overview: serde_json::Value = http()
        .get(format!("{}/sandbox", sbx.base_url()))
        .send()
        .await
        .expect("overview")
        .json()
        .await
        .expect("json");
    assert_eq!(overview["users"][0]["username"], "sandbox_creator");
}

#[tokio::test]
async fn expired_access_tokens_fail_while_the_refresh_token_still_works() {
    let sbx = start();
    let grant = connect(&sbx, &[]).await;
    sbx.expire_access_tokens();
    let (status, body) = user_info(&sbx, &s(&grant, "access_token"), "open_id").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "access_token_invalid");
    let (status, fresh) = refresh(&sbx, &s(&grant, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        user_info(&sbx, &s(&fresh, "access_token"), "open_id")
            .await
            .0,
        StatusCode::OK
    );
    assert!(sbx
        .known_access_tokens()
        .contains(&s(&fresh, "access_token")));
}

#[tokio::test]
async fn a_grant_revoked_behind_our_back_kills_access_and_refresh_tokens() {
    let sbx = start();
    let grant = connect(&sbx, &[]).await;
    let open_id = s(&grant, "open_id");
    let resp = http()
        .post(format!(
            "{}/sandbox/grants/{open_id}/revoke",
            sbx.base_url()
        ))
        .send()
        .await
        .expect("revoke over http");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(sbx.revoke_grant(&open_id), 0, "already revoked");
    assert_eq!(
        user_info(&sbx, &s(&grant, "access_token"), "open_id")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s(&refresh(&sbx, &s(&grant, "refresh_token")).await.1, "error"),
        "invalid_grant"
    );
}

#[tokio::test]
async fn a_withdrawn_scope_turns_its_fields_into_scope_not_authorized() {
    let sbx = start();
    let grant = connect(&sbx, &[]).await;
    let token = s(&grant, "access_token");
    assert_eq!(
        sbx.withdraw_scope(&s(&grant, "open_id"), "user.info.stats"),
        1
    );
    let (status, body) = user_info(&sbx, &token, "follower_count").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "scope_not_authorized");
    let (_, refreshed) = refresh(&sbx, &s(&grant, "refresh_token")).await;
    assert!(!s(&refreshed, "scope").contains("user.info.stats"));
}

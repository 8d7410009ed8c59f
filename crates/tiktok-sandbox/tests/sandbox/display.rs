//! Display API: user info and video list, with their scope checks and paging.

use reqwest::StatusCode;
use serde_json::json;
use tiktok_sandbox::{FakeUser, SandboxConfig};

use crate::common::*;

#[tokio::test]
async fn user_info_answers_only_the_requested_fields_in_the_envelope() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    let (status, body) = user_info(&sbx, &token, "open_id,display_name,likes_count,username").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["error"]["code"], "ok");
    assert!(!body["error"]["log_id"]
        .as_str()
        .unwrap_or_default()
        .is_empty());
    let user = body["data"]["user"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(user.len(), 4);
    assert_eq!(user["username"], "sandbox_creator");
    assert_eq!(
        Some(user["open_id"].as_str().unwrap_or_default().to_owned()),
        sbx.open_id_of("sandbox_creator")
    );
}

#[tokio::test]
async fn a_missing_or_unknown_token_is_access_token_invalid() {
    let sbx = start();
    let (status, body) = user_info(&sbx, "act.nope", "open_id").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "access_token_invalid");
    assert_eq!(body["data"], json!({}));
}

#[tokio::test]
async fn fields_of_a_scope_the_user_did_not_grant_are_scope_not_authorized() {
    let sbx = start();
    let grant = connect(&sbx, &[("sandbox_scopes", "user.info.basic")]).await;
    assert_eq!(s(&grant, "scope"), "user.info.basic");
    let token = s(&grant, "access_token");
    assert_eq!(
        user_info(&sbx, &token, "open_id,avatar_url").await.0,
        StatusCode::OK
    );
    let (status, body) = user_info(&sbx, &token, "open_id,follower_count").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "scope_not_authorized");
    let (status, body) = video_list(&sbx, &token, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "scope_not_authorized");
}

#[tokio::test]
async fn user_info_without_fields_is_invalid_params() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    let resp = http()
        .get(format!("{}/v2/user/info/", sbx.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_params");
}

#[tokio::test]
async fn forty_five_videos_page_newest_first_with_a_millisecond_cursor() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    let mut cursor = None;
    let mut ids = Vec::new();
    let mut calls = 0;
    loop {
        let body = match cursor {
            None => json!({"max_count": 20}),
            Some(c) => json!({"max_count": 20, "cursor": c}),
        };
        let (status, page) = video_list(&sbx, &token, body).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        calls += 1;
        let data = &page["data"];
        for v in data["videos"].as_array().cloned().unwrap_or_default() {
            let id = v["id"].as_str().unwrap_or_default().to_owned();
            assert_eq!(id.len(), 19);
            let secs = v["create_time"].as_i64().unwrap_or_default();
            assert!(secs < 10_000_000_000, "create_time is in seconds");
            ids.push(id);
        }
        let next = data["cursor"].as_i64().unwrap_or_default();
        assert!(next > 1_000_000_000_000, "the cursor is in milliseconds");
        cursor = Some(next);
        if !data["has_more"].as_bool().unwrap_or_default() {
            break;
        }
    }
    assert_eq!(calls, 3);
    assert_eq!(ids.len(), 45);
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 45);
}

#[tokio::test]
async fn max_count_above_twenty_is_invalid_params() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    let (status, body) = video_list(&sbx, &token, json!({"max_count": 21})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_params");
}

#[tokio::test]
async fn a_user_without_videos_gets_an_empty_last_page() {
    let sbx = start();
    let token = s(
        &connect(&sbx, &[("sandbox_user", "sandbox_newcomer")]).await,
        "access_token",
    );
    let (_, body) = video_list(&sbx, &token, json!({})).await;
    assert_eq!(body["data"]["videos"], json!([]));
    assert_eq!(body["data"]["has_more"], false);
}

#[tokio::test]
async fn the_display_api_answers_429_past_the_per_minute_limit() {
    let sbx = start_with(SandboxConfig {
        rate_limit_per_minute: 3,
        users: vec![FakeUser::new("solo", 1)],
        ..SandboxConfig::default()
    });
    let token = s(&connect(&sbx, &[]).await, "access_token");
    for _ in 0..3 {
        assert_eq!(user_info(&sbx, &token, "open_id").await.0, StatusCode::OK);
    }
    let resp = http()
        .get(format!("{}/v2/user/info/?fields=open_id", sbx.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_none());
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert_eq!(
        video_list(&sbx, &token, json!({})).await.0,
        StatusCode::OK,
        "limits are per endpoint"
    );
}

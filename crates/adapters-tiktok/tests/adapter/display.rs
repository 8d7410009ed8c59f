//! Display API through the client: envelopes, error shapes, retries, limits and paging.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use tiktok_domain::ports::{TikTokApiError, TikTokData};
use tiktok_domain::values::AccessToken;
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

use crate::canned;
use crate::common::*;

fn kind(result: &Result<impl std::fmt::Debug, TikTokApiError>) -> &'static str {
    match result {
        Ok(_) => "Ok",
        Err(TikTokApiError::AccessTokenInvalid) => "AccessTokenInvalid",
        Err(TikTokApiError::ScopeNotAuthorized) => "ScopeNotAuthorized",
        Err(TikTokApiError::RateLimited { .. }) => "RateLimited",
        Err(TikTokApiError::Unavailable(_)) => "Unavailable",
        Err(TikTokApiError::InvalidResponse(_)) => "InvalidResponse",
        Err(TikTokApiError::BudgetUnavailable(_)) => "BudgetUnavailable",
        Err(TikTokApiError::Rejected { .. }) => "Rejected",
    }
}

#[tokio::test]
async fn user_info_maps_every_granted_field_and_likes_count_to_like_count() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    let info = client
        .user_info(&grant.access_token, &grant.scopes)
        .await
        .expect("user info");
    assert_eq!(info.open_id, Some(grant.open_id));
    let p = info.profile;
    assert_eq!(p.username.as_deref(), Some("sandbox_creator"));
    assert!(p.display_name.is_some() && p.avatar_url.is_some() && p.union_id.is_some());
    assert_eq!(p.video_count, Some(45));
    assert_eq!(p.like_count, Some(45 * 1_234));
    assert!(p.follower_count.is_some() && p.following_count.is_some());
}

#[tokio::test]
async fn with_only_the_basic_scope_only_basic_fields_are_requested() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(
        &client,
        ALL_SCOPES,
        &[("sandbox_scopes", "user.info.basic")],
    )
    .await;
    assert_eq!(grant.scopes, scopes("user.info.basic"));
    // The sandbox answers scope_not_authorized if a profile or stats field is asked for.
    let info = client
        .user_info(&grant.access_token, &grant.scopes)
        .await
        .expect("user info");
    assert!(info.profile.display_name.is_some());
    assert_eq!(
        (info.profile.username, info.profile.follower_count),
        (None, None)
    );

    let server = canned::serve(canned::json(
        "200 OK",
        r#"{"data":{"user":{}},"error":{"code":"ok","message":"","log_id":"x"}}"#,
    ))
    .await;
    let info = canned_client(&server.url)
        .user_info(
            &grant.access_token,
            &scopes("user.info.basic,user.info.stats"),
        )
        .await
        .expect("user info");
    assert_eq!(info.profile, tiktok_domain::Profile::default());
    let sent = server.requests().await.concat();
    assert!(
        sent.starts_with("GET /v2/user/info/?fields=open_id%2Cunion_id%2Cavatar_url%2Cdisplay_name%2Cfollower_count%2Cfollowing_count%2Clikes_count%2Cvideo_count "),
        "{sent}"
    );
}

#[tokio::test]
async fn an_expired_or_unknown_token_is_access_token_invalid() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.expire_access_tokens();
    assert_eq!(
        kind(&client.user_info(&grant.access_token, &grant.scopes).await),
        "AccessTokenInvalid"
    );
    let unknown = AccessToken::new(SecretString::from("act.unknown"));
    assert_eq!(
        kind(&client.list_videos(&unknown, None, 20).await),
        "AccessTokenInvalid"
    );
}

#[tokio::test]
async fn a_withdrawn_scope_is_scope_not_authorized_not_an_invalid_token() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.withdraw_scope(grant.open_id.as_str(), "user.info.stats");
    assert_eq!(
        kind(&client.user_info(&grant.access_token, &grant.scopes).await),
        "ScopeNotAuthorized"
    );
    sbx.withdraw_scope(grant.open_id.as_str(), "video.list");
    assert_eq!(
        kind(&client.list_videos(&grant.access_token, None, 20).await),
        "ScopeNotAuthorized"
    );
}

#[tokio::test]
async fn a_429_is_retried_and_then_reported_as_rate_limited() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.inject_fault(Fault::new(FaultKind::RateLimited).on(Endpoint::UserInfo));
    assert_eq!(
        kind(&client.user_info(&grant.access_token, &grant.scopes).await),
        "RateLimited"
    );
    assert_eq!(
        sbx.request_count(Endpoint::UserInfo),
        3,
        "one call and two retries"
    );
}

#[tokio::test]
async fn a_500_is_retried_and_a_lasting_one_ends_as_unavailable() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.inject_fault(
        Fault::new(FaultKind::InternalError)
            .on(Endpoint::VideoList)
            .times(1),
    );
    let page = client
        .list_videos(&grant.access_token, None, 20)
        .await
        .expect("second try works");
    assert_eq!(page.videos.len(), 20);
    assert_eq!(sbx.request_count(Endpoint::VideoList), 2);

    sbx.inject_fault(Fault::new(FaultKind::InternalError).on(Endpoint::VideoList));
    assert_eq!(
        kind(&client.list_videos(&grant.access_token, None, 20).await),
        "Unavailable"
    );
    assert_eq!(sbx.request_count(Endpoint::VideoList), 5);
}

#[tokio::test]
async fn a_garbage_body_is_an_invalid_response_and_is_not_retried() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.inject_fault(Fault::new(FaultKind::Garbage).on(Endpoint::UserInfo));
    assert_eq!(
        kind(&client.user_info(&grant.access_token, &grant.scopes).await),
        "InvalidResponse"
    );
    assert_eq!(sbx.request_count(Endpoint::UserInfo), 1);
}

#[tokio::test]
async fn a_tiktok_slower_than_the_timeout_is_unavailable_quickly() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| {
        c.request_timeout = Duration::from_millis(200);
        c.retry_max_total = Duration::from_millis(500);
    });
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.inject_fault(Fault::new(FaultKind::Slow { delay_ms: 5_000 }).on(Endpoint::UserInfo));
    let started = Instant::now();
    assert_eq!(
        kind(&client.user_info(&grant.access_token, &grant.scopes).await),
        "Unavailable"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    sbx.stop().await;
}

#[tokio::test]
async fn a_body_over_the_size_cap_is_an_invalid_response() {
    let sbx = sandbox();
    let grant = connect(&client(&sbx), ALL_SCOPES, &[]).await;
    let capped = client_with(&sbx, |c| c.max_response_bytes = 200);
    assert_eq!(
        kind(&capped.list_videos(&grant.access_token, None, 20).await),
        "InvalidResponse"
    );

    // No Content-Length (chunked): the body is streamed and counted as it arrives.
    let huge = canned::response(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"),
        ],
        &" ".repeat(2 * 1024 * 1024),
    );
    let server = canned::serve(huge).await;
    let plain = reqwest::get(&server.url).await.expect("an answer");
    assert_eq!(
        plain.content_length(),
        None,
        "sent without a Content-Length"
    );
    let mut config = config_for(&server.url, "k", "s");
    config.read_retries = 0;
    let streamed = tiktok_adapters_tiktok::TikTokHttpClient::new(config).expect("client");
    assert_eq!(
        kind(&streamed.user_info(&grant.access_token, &grant.scopes).await),
        "InvalidResponse"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let target = canned::serve(canned::json("200 OK", "{}")).await;
    let location = format!("{}/v2/user/info/?fields=open_id", target.url);
    let server = canned::serve(canned::response(
        "302 Found",
        &[("Location", &location)],
        "",
    ))
    .await;
    let token = AccessToken::new(SecretString::from("act.x"));
    let result = canned_client(&server.url)
        .user_info(&token, &scopes("user.info.basic"))
        .await;
    assert_eq!(kind(&result), "InvalidResponse");
    assert!(
        target.requests().await.is_empty(),
        "the token never travelled to the redirect target"
    );
}

#[tokio::test]
async fn error_envelopes_map_by_code_with_the_status_as_a_fallback() {
    let token = AccessToken::new(SecretString::from("act.x"));
    let basic = scopes("user.info.basic");
    let cases = [
        (
            "401 Unauthorized",
            r#"{"error":{"code":"access_token_expired","message":"","log_id":"l"}}"#,
            "AccessTokenInvalid",
        ),
        (
            "401 Unauthorized",
            r#"{"error":{"code":"scope_not_authorized","message":"","log_id":"l"}}"#,
            "ScopeNotAuthorized",
        ),
        (
            "400 Bad Request",
            r#"{"data":{},"error":{"code":"invalid_params","message":"","log_id":"l"}}"#,
            "Rejected",
        ),
        (
            "400 Bad Request",
            r#"{"data":{},"error":{"code":"scope_permission_missed","message":"","log_id":"l"}}"#,
            "Rejected",
        ),
        (
            "200 OK",
            r#"{"data":{"user":{"open_id":"o"}}}"#,
            "InvalidResponse",
        ),
    ];
    for (status, body, expected) in cases {
        let server = canned::serve(canned::json(status, body)).await;
        let result = canned_client(&server.url).user_info(&token, &basic).await;
        assert_eq!(kind(&result), expected, "{status} {body}");
    }
}

#[tokio::test]
async fn forty_five_videos_take_three_pages_of_twenty() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    let mut cursor = None;
    let mut videos = Vec::new();
    loop {
        let page = client
            .list_videos(&grant.access_token, cursor, 20)
            .await
            .expect("page");
        videos.extend(page.videos);
        cursor = Some(page.cursor);
        if !page.has_more {
            break;
        }
    }
    assert_eq!(sbx.request_count(Endpoint::VideoList), 3);
    assert_eq!(videos.len(), 45);
    assert!(videos
        .iter()
        .all(|v| v.id.len() == 19 && v.id.bytes().all(|b| b.is_ascii_digit())));
    assert!(videos
        .windows(2)
        .all(|w| w[0].create_time > w[1].create_time));
    let first = &videos[0];
    assert!(first.title.is_some() && first.description.is_some() && first.share_url.is_some());
    assert!(first.embed_link.is_some() && first.duration.is_some() && first.view_count.is_some());
    assert!(
        first.like_count.is_some() && first.comment_count.is_some() && first.share_count.is_some()
    );
}

#[tokio::test]
async fn max_count_is_clamped_to_between_one_and_twenty() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    assert_eq!(
        client
            .list_videos(&grant.access_token, None, 200)
            .await
            .expect("page")
            .videos
            .len(),
        20
    );
    assert_eq!(
        client
            .list_videos(&grant.access_token, None, 0)
            .await
            .expect("page")
            .videos
            .len(),
        1
    );
}

#[tokio::test]
async fn a_creator_without_videos_gets_an_empty_last_page() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[("sandbox_user", "sandbox_newcomer")]).await;
    let page = client
        .list_videos(&grant.access_token, None, 20)
        .await
        .expect("page");
    assert!(page.videos.is_empty() && !page.has_more);
}

#[tokio::test]
async fn numeric_video_ids_keep_every_digit() {
    let body = r#"{"data":{"videos":[{"id":7300000000000123457}],"cursor":1,"has_more":false},"error":{"code":"ok","message":"","log_id":"l"}}"#;
    let server = canned::serve(canned::json("200 OK", body)).await;
    let token = AccessToken::new(SecretString::from("act.x"));
    let page = canned_client(&server.url)
        .list_videos(&token, None, 20)
        .await
        .expect("page");
    assert_eq!(page.videos[0].id, "7300000000000123457");
}

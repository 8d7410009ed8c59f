//! Syncing videos from the sandbox: pages, budgets, partial scopes, deletions, counts going down.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, VideoCounts};

use super::{all_video_ids, call, connect_with_scopes, sync};

on_both_backends!(
    a_first_sync_stores_45_videos_in_3_list_calls_and_a_later_sync_makes_fewer,
    a_first_sync_of_5000_videos_makes_exactly_250_list_calls_within_the_budget,
    without_video_list_a_sync_makes_no_video_call_and_the_status_says_what_is_missing,
    a_video_scope_withdrawn_at_tiktok_leaves_the_profile_sync_working,
    videos_deleted_at_tiktok_are_hidden_and_counts_going_down_are_stored,
);

async fn a_first_sync_stores_45_videos_in_3_list_calls_and_a_later_sync_makes_fewer(
    backend: Backend,
) {
    // The sandbox's 45 videos span the last 6 days, 3 hours apart: with a 1-day window, the first page
    // (20 videos, 60 hours) reaches past it, and the second is all older and unchanged.
    let window = |vars: &mut std::collections::HashMap<String, String>| {
        vars.insert("APP_CONTENT__VIDEO_REFRESH_WINDOW_DAYS".into(), "1".into());
    };
    let Some(app) = TestApp::spawn_with(backend, window).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);

    let (first, calls) = sync(&app, "42").await;
    assert_eq!(calls, 3, "45 videos, 20 a page");
    assert!(first.body["videos_synced_at"].is_string());
    let ids = all_video_ids(&app, "42", "newest", 20).await;
    assert_eq!(ids.len(), 45);
    assert!(
        ids.iter().all(|id| id.len() == 19),
        "ids kept as 19-digit strings"
    );
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 45, "no video twice across pages");

    let (_, later) = sync(&app, "42").await;
    assert_eq!(
        later, 2,
        "the later sync stops after the first page of old, unchanged videos"
    );
}

async fn a_first_sync_of_5000_videos_makes_exactly_250_list_calls_within_the_budget(
    backend: Backend,
) {
    // A generous timeout: a page answered late on a loaded machine must not be retried (and counted).
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_TIKTOK__REQUEST_TIMEOUT_MS".into(), "15000".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("7", "sandbox_star").await.status, 200);
    let started = std::time::Instant::now();

    let (synced, calls) = sync(&app, "7").await;

    assert_eq!(
        calls, 250,
        "5000 / 20, no retry: TikTok's 600 a minute never reached"
    );
    println!("first sync of 5000 videos: {:?}", started.elapsed());
    assert_eq!(synced.body["video_count"], 5_000);
    let page = call(&app, Method::GET, "/videos/7?limit=1000", "7").await;
    assert_eq!(
        page.body["videos"].as_array().map(Vec::len),
        Some(100),
        "limit capped at 100"
    );
    assert_eq!(
        all_video_ids(&app, "7", "most_viewed", 100).await.len(),
        5_000
    );
}

async fn without_video_list_a_sync_makes_no_video_call_and_the_status_says_what_is_missing(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    connect_with_scopes(
        &app,
        "42",
        "sandbox_creator",
        "user.info.basic,user.info.stats",
    )
    .await;
    let status = call(&app, Method::GET, "/status/42", "42").await;
    assert_eq!(
        status.body["missing_data"],
        serde_json::json!([
            {"data": "profile", "scope": "user.info.profile"},
            {"data": "videos", "scope": "video.list"}
        ])
    );

    let (synced, calls) = sync(&app, "42").await;

    assert_eq!(calls, 0);
    assert!(
        synced.body["follower_count"].is_i64(),
        "stats granted: {}",
        synced.text
    );
    assert_eq!(synced.body["top_videos"], serde_json::json!([]));
    assert!(
        synced.body["views"]["total"].is_null(),
        "no videos: no total, never 0"
    );
    assert!(synced.body["videos_synced_at"].is_null());
    let videos = call(&app, Method::GET, "/videos/42", "42").await;
    assert_eq!(
        (videos.status, videos.body["videos"].clone()),
        (200, serde_json::json!([]))
    );
}

async fn a_video_scope_withdrawn_at_tiktok_leaves_the_profile_sync_working(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let open_id = app.sandbox.open_id_of("sandbox_creator").expect("open id");
    app.sandbox.withdraw_scope(&open_id, "video.list");

    let (_, calls) = sync(&app, "42").await;
    let (_, again) = sync(&app, "42").await;

    assert_eq!((calls, again), (1, 0), "refused once, then not asked again");
    let status = call(&app, Method::GET, "/status/42", "42").await;
    assert_eq!(status.body["status"], "connected");
    assert_eq!(status.body["missing_data"][0]["data"], "videos");
}

async fn videos_deleted_at_tiktok_are_hidden_and_counts_going_down_are_stored(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        // Every sync a complete listing, so that deletions are seen at once.
        vars.insert("APP_CONTENT__FULL_VIDEO_SYNC_HOURS".into(), "0".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    sync(&app, "42").await;
    let newest = app.sandbox.video_id("sandbox_creator", 0).expect("an id");
    let gone = app.sandbox.video_id("sandbox_creator", 30).expect("an id");
    let lower = VideoCounts {
        view_count: 3,
        like_count: 2,
        comment_count: 1,
        share_count: 0,
    };
    assert!(app
        .sandbox
        .set_video_counts("sandbox_creator", &newest, lower));
    assert!(app.sandbox.delete_video("sandbox_creator", &gone));

    let (synced, calls) = sync(&app, "42").await;

    assert_eq!(calls, 3);
    assert_eq!(synced.body["video_count"], 44);
    let ids = all_video_ids(&app, "42", "newest", 100).await;
    assert_eq!(ids.len(), 44);
    assert!(!ids.contains(&gone), "a deleted video is hidden");
    let page = call(&app, Method::GET, "/videos/42?limit=1", "42").await;
    let first = &page.body["videos"][0];
    assert_eq!(
        (first["id"].as_str(), first["view_count"].as_i64()),
        (Some(newest.as_str()), Some(3))
    );
    assert_eq!(app.sandbox.request_count(Endpoint::VideoList), 6);
}

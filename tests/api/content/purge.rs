//! Disconnect keeps the history; `purge=true` and TikTok's "account deleted" erase it.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp};

use super::{all_video_ids, call, content_rows, stored_rows, sync};
use crate::webhooks::{deliver_signed, removed_event};

on_both_backends!(
    a_plain_disconnect_keeps_videos_and_history_for_a_reconnect,
    disconnect_with_purge_erases_everything_stored_for_the_creator,
    tiktoks_account_deleted_event_erases_videos_history_and_profile,
);

async fn history_points(app: &TestApp, user: &str) -> usize {
    let history = call(app, Method::GET, &format!("/metrics/{user}/history"), user).await;
    assert_eq!(history.status, 200, "{}", history.text);
    history.body["points"].as_array().map_or(0, Vec::len)
}

async fn a_plain_disconnect_keeps_videos_and_history_for_a_reconnect(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    sync(&app, "42").await;

    let stored = content_rows(&app, "42");
    let gone = call(&app, Method::DELETE, "/disconnect/42?purge=false", "42").await;
    assert_eq!(gone.status, 200);
    assert_eq!(content_rows(&app, "42"), stored, "nothing erased");
    let hidden = call(&app, Method::GET, "/videos/42", "42").await;
    assert_eq!(
        hidden.error_code(),
        Some("not_connected"),
        "kept, not shown while disconnected"
    );
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);

    assert_eq!(
        all_video_ids(&app, "42", "newest", 100).await.len(),
        45,
        "before any new sync"
    );
    assert_eq!(history_points(&app, "42").await, 1);
}

async fn disconnect_with_purge_erases_everything_stored_for_the_creator(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    sync(&app, "42").await;

    let purged = call(&app, Method::DELETE, "/disconnect/42?purge=true", "42").await;

    assert_eq!(purged.status, 200, "{}", purged.text);
    assert_eq!(purged.body["status"], "not_connected");
    assert!(purged.body.get("disconnect_reason").is_none());
    assert_eq!(
        content_rows(&app, "42"),
        0,
        "videos, snapshots, rollups, sync state, kept analytics"
    );
    assert_eq!(
        stored_rows(&app, "tiktok_accounts", "42", "1 = 1"),
        0,
        "the account row too"
    );
    let again = call(&app, Method::DELETE, "/disconnect/42?purge=true", "42").await;
    assert_eq!(again.status, 200, "idempotent");
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert!(all_video_ids(&app, "42", "newest", 100).await.is_empty());
    assert_eq!(history_points(&app, "42").await, 0);
    let metrics = call(&app, Method::GET, "/metrics/42", "42").await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert_eq!(
        (&metrics.body["views"]["total"], &metrics.body["top_videos"]),
        (&serde_json::Value::Null, &serde_json::json!([])),
        "no analytics kept from before the purge"
    );
}

async fn tiktoks_account_deleted_event_erases_videos_history_and_profile(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    sync(&app, "42").await;
    let open_id = app.sandbox.open_id_of("sandbox_creator").expect("open id");

    let event = removed_event(&app, &open_id, 2, chrono::Utc::now().timestamp());
    assert_eq!(deliver_signed(&app, &event).await.status, 200);

    let status = call(&app, Method::GET, "/status/42", "42").await;
    assert_eq!(status.body["disconnect_reason"], "account_deleted");
    assert_eq!(content_rows(&app, "42"), 0);
    let erased = "username IS NULL AND follower_count IS NULL AND last_sync_at IS NULL";
    assert_eq!(
        stored_rows(&app, "tiktok_accounts", "42", erased),
        1,
        "only the reason is kept"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert!(all_video_ids(&app, "42", "newest", 100).await.is_empty());
    assert_eq!(history_points(&app, "42").await, 0);
    let metrics = call(&app, Method::GET, "/metrics/42", "42").await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert_eq!(
        (&metrics.body["views"]["total"], &metrics.body["top_videos"]),
        (&serde_json::Value::Null, &serde_json::json!([])),
        "no analytics kept from before the purge"
    );
}

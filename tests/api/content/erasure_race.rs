//! Erasure that really erases, against a sync still running: sandbox_star (5000 videos) is synced with a
//! slow video list, and while it lists pages the connection ends (`purge=true`, TikTok's "account
//! deleted", a reconnect to another TikTok account). Nothing of that connection may be written afterwards,
//! and the account connected next inherits nothing of it.

use std::time::Duration;

use reqwest::Method;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

use super::{all_video_ids, call, content_rows, stored_rows};
use crate::webhooks::{deliver_signed, removed_event};

on_both_backends!(
    a_purge_during_a_sync_erases_everything_and_the_next_account_inherits_nothing,
    an_account_deleted_event_during_a_sync_erases_everything_it_would_write,
    a_reconnect_to_another_tiktok_account_during_a_sync_keeps_nothing_of_the_first,
);

/// Connects user `42` as sandbox_star and makes every video page take a while; returns the app.
async fn star_listing_slowly(backend: Backend) -> Option<TestApp> {
    let app = TestApp::spawn(backend).await?;
    assert_eq!(app.connect("42", "sandbox_star").await.status, 200);
    app.sandbox
        .inject_fault(Fault::new(FaultKind::Slow { delay_ms: 40 }).on(Endpoint::VideoList));
    Some(app)
}

/// `POST sync/42` while `meanwhile` runs once the sync has listed a few pages; answers the sync's answer.
async fn sync_while<F: std::future::Future<Output = ()>>(app: &TestApp, meanwhile: F) -> Answer {
    let before = app.sandbox.request_count(Endpoint::VideoList);
    let (synced, ()) = tokio::join!(call(app, Method::POST, "/sync/42", "42"), async {
        while app.sandbox.request_count(Endpoint::VideoList) < before + 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        meanwhile.await;
    });
    synced
}

/// The sync whose connection ended answers what the API says of a user who is not connected (any more).
fn assert_sync_stopped(synced: &Answer, listed: u64) {
    assert_eq!(
        (synced.status, synced.error_code()),
        (404, Some("not_connected")),
        "{}",
        synced.text
    );
    assert!(
        listed < 100,
        "the sync stops at the first refused page, not after 250: {listed} pages"
    );
}

/// After the connection ended: no late write lands, even a while later.
async fn assert_nothing_left(app: &TestApp) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        content_rows(app, "42"),
        0,
        "videos, snapshots, rollups, sync state, kept analytics"
    );
}

/// Connected to sandbox_newcomer (no videos): nothing of sandbox_star is shown.
async fn assert_newcomer_sees_nothing_of_the_star(app: &TestApp) {
    assert!(all_video_ids(app, "42", "newest", 100).await.is_empty());
    let metrics = call(app, Method::GET, "/metrics/42", "42").await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert_eq!(
        (&metrics.body["views"]["total"], &metrics.body["top_videos"]),
        (&serde_json::Value::Null, &serde_json::json!([])),
        "no views of the old account: {}",
        metrics.text
    );
}

async fn a_purge_during_a_sync_erases_everything_and_the_next_account_inherits_nothing(
    backend: Backend,
) {
    let Some(app) = star_listing_slowly(backend).await else {
        return;
    };
    let before = app.sandbox.request_count(Endpoint::VideoList);

    let synced = sync_while(&app, async {
        let purged = call(&app, Method::DELETE, "/disconnect/42?purge=true", "42").await;
        assert_eq!(purged.status, 200, "{}", purged.text);
    })
    .await;

    assert_sync_stopped(
        &synced,
        app.sandbox.request_count(Endpoint::VideoList) - before,
    );
    assert_nothing_left(&app).await;
    assert_eq!(stored_rows(&app, "tiktok_accounts", "42", "1 = 1"), 0);
    app.sandbox.clear_faults();
    assert_eq!(app.connect("42", "sandbox_newcomer").await.status, 200);
    assert_newcomer_sees_nothing_of_the_star(&app).await;
}

async fn an_account_deleted_event_during_a_sync_erases_everything_it_would_write(backend: Backend) {
    let Some(app) = star_listing_slowly(backend).await else {
        return;
    };
    let open_id = app.sandbox.open_id_of("sandbox_star").expect("open id");
    let before = app.sandbox.request_count(Endpoint::VideoList);

    let synced = sync_while(&app, async {
        let event = removed_event(&app, &open_id, 2, chrono::Utc::now().timestamp());
        assert_eq!(deliver_signed(&app, &event).await.status, 200);
    })
    .await;

    assert_sync_stopped(
        &synced,
        app.sandbox.request_count(Endpoint::VideoList) - before,
    );
    assert_nothing_left(&app).await;
    let erased = "username IS NULL AND follower_count IS NULL AND last_sync_at IS NULL";
    assert_eq!(
        stored_rows(&app, "tiktok_accounts", "42", erased),
        1,
        "only the reason is kept, no profile written after it"
    );
    app.sandbox.clear_faults();
    assert_eq!(app.connect("42", "sandbox_newcomer").await.status, 200);
    assert_newcomer_sees_nothing_of_the_star(&app).await;
}

async fn a_reconnect_to_another_tiktok_account_during_a_sync_keeps_nothing_of_the_first(
    backend: Backend,
) {
    let Some(app) = star_listing_slowly(backend).await else {
        return;
    };
    let before = app.sandbox.request_count(Endpoint::VideoList);

    let synced = sync_while(&app, async {
        assert_eq!(app.connect("42", "sandbox_newcomer").await.status, 200);
    })
    .await;

    assert_sync_stopped(
        &synced,
        app.sandbox.request_count(Endpoint::VideoList) - before,
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let star_rows: i64 = [
        "tiktok_videos",
        "tiktok_video_snapshots",
        "tiktok_video_syncs",
    ]
    .iter()
    .map(|table| stored_rows(&app, table, "42", "1 = 1"))
    .sum();
    assert_eq!(star_rows, 0, "no video of sandbox_star is kept");
    assert_newcomer_sees_nothing_of_the_star(&app).await;
    let status = call(&app, Method::GET, "/status/42", "42").await;
    assert_eq!(status.body["status"], "connected", "{}", status.text);
    let open_id = app.sandbox.open_id_of("sandbox_newcomer").expect("open id");
    assert_eq!(
        stored_rows(
            &app,
            "tiktok_accounts",
            "42",
            &format!(
                "tiktok_user_id = '{open_id}' AND (username IS NULL OR username = 'sandbox_newcomer')"
            )
        ),
        1,
        "the new account, without sandbox_star's profile"
    );
}

//! A listing longer than one sync's page budget continues where it stopped in the next sync, so that the
//! account converges to its full set of videos.

use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{FakeUser, SandboxConfig};

use super::{all_video_ids, sync};

on_both_backends!(an_account_longer_than_the_page_budget_converges_over_several_syncs);

async fn an_account_longer_than_the_page_budget_converges_over_several_syncs(backend: Backend) {
    let mut sandbox = SandboxConfig::default();
    sandbox.users.push(FakeUser::new("sandbox_long", 130));
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox, |vars| {
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "0".into());
        // 3 pages of 20 per sync; 130 videos need 7 pages.
        vars.insert("APP_CONTENT__MAX_VIDEO_PAGES_PER_SYNC".into(), "3".into());
        // The sandbox dates its videos from now, 3 hours apart: with a 1-day window an incremental sync
        // stops after its second page (all older and unchanged), short of the 3 a full listing would take.
        vars.insert("APP_CONTENT__VIDEO_REFRESH_WINDOW_DAYS".into(), "1".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_long").await.status, 200);

    let mut seen = Vec::new();
    let mut calls = Vec::new();
    for _ in 0..3 {
        let (_, pages) = sync(&app, "42").await;
        calls.push(pages);
        seen.push(all_video_ids(&app, "42", "newest", 100).await.len());
    }

    assert_eq!(calls, vec![3, 3, 1], "each sync continues the listing");
    assert_eq!(seen, vec![60, 120, 130], "converges to every video");
    let (_, later) = sync(&app, "42").await;
    assert_eq!(later, 2, "complete: the next sync is incremental again");
}

//! Several replicas on one database: one refresh per account, whoever asks and wherever.

use tiktok_integration_tests::{Backend, TestApp};

on_both_backends!(one_hundred_syncs_of_an_expired_token_across_two_replicas_refresh_it_once);

/// Two instances on one database and one sandbox, without the per-caller limit (the syncs all come from
/// one creator).
async fn two_replicas(backend: Backend) -> Option<(TestApp, String)> {
    let app = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "0".into());
        // Nor the pacing of TikTok calls: 100 reads in a second are what this test is about.
        vars.insert("APP_TIKTOK__REQUESTS_PER_MINUTE".into(), "0".into());
    })
    .await?;
    let replica = app.spawn_replica().await;
    Some((app, replica.address))
}

async fn one_hundred_syncs_of_an_expired_token_across_two_replicas_refresh_it_once(
    backend: Backend,
) {
    let Some((app, replica)) = two_replicas(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    // TikTok refuses the stored access token from now on: every sync needs a new one.
    app.sandbox.expire_access_tokens();
    let refreshes = app.sandbox.refresh_count();
    let app = std::sync::Arc::new(app);

    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let app = std::sync::Arc::clone(&app);
            let address = if i % 2 == 0 {
                app.address.clone()
            } else {
                replica.clone()
            };
            tokio::spawn(async move { app.sync_at(&address, "42").await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the sync task"));
    }

    let failed: Vec<_> = answers
        .iter()
        .filter(|a| a.status != 200)
        .map(|a| (a.status, a.text.clone()))
        .collect();
    assert!(failed.is_empty(), "every sync is answered 200: {failed:?}");
    assert_eq!(
        app.sandbox.refresh_count() - refreshes,
        1,
        "exactly one refresh reached TikTok"
    );
    let again = app.sync_at(&replica, "42").await;
    assert_eq!(again.status, 200, "the stored pair works: {}", again.text);
}

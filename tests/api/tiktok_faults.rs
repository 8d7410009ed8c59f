//! TikTok misbehaving: every fault gets a clear error, and nothing stored is lost.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    an_expired_access_token_is_refreshed_once_and_the_rotated_pair_kept,
    a_grant_revoked_at_tiktok_moves_the_account_to_reauth_required,
    tiktok_down_slow_limiting_or_garbled_gets_a_clear_error_and_keeps_the_data,
    a_profile_failure_during_connect_keeps_the_grant,
);

async fn an_expired_access_token_is_refreshed_once_and_the_rotated_pair_kept(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    app.sandbox.expire_access_tokens();
    let refreshes = app.sandbox.refresh_count();

    let first = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes + 1,
        "TikTok refused the token: one refresh, one retry"
    );

    // The rotated refresh token was stored: a second expiry is survived too.
    app.sandbox.expire_access_tokens();
    let second = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(app.sandbox.refresh_count(), refreshes + 2);
}

async fn a_grant_revoked_at_tiktok_moves_the_account_to_reauth_required(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert_eq!(
        app.call(Method::POST, &format!("{BASE}/sync/42"), "42")
            .await
            .status,
        200
    );
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();
    app.sandbox.revoke_grant(&open_id);

    let sync = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(
        (sync.status, sync.error_code()),
        (409, Some("reauth_required")),
        "{}",
        sync.text
    );
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "reauth_required");
    assert_eq!(status.body["connected"], false);
    assert_eq!(
        status.body["account"]["username"], "sandbox_creator",
        "the last known profile stays visible"
    );
    let metrics = app
        .call(Method::GET, &format!("{BASE}/metrics/42"), "42")
        .await;
    assert_eq!(metrics.status, 200, "last known metrics are still served");
    assert!(metrics.body["follower_count"].is_i64());
    let refreshes = app.sandbox.refresh_count();
    let again = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(again.error_code(), Some("reauth_required"));
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes,
        "a dead grant is never retried"
    );
}

async fn tiktok_down_slow_limiting_or_garbled_gets_a_clear_error_and_keeps_the_data(
    backend: Backend,
) {
    // Eight TikTok-backed requests making a dozen TikTok calls: more than a creator's default burst of
    // calls, and this test is about TikTok's faults, not our budget.
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "0".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200);

    for (kind, status, code) in [
        (FaultKind::ServiceUnavailable, 503, "tiktok_unavailable"),
        (FaultKind::InternalError, 503, "tiktok_unavailable"),
        (FaultKind::RateLimited, 429, "rate_limited"),
        (FaultKind::Garbage, 502, "tiktok_error"),
        (
            FaultKind::Slow { delay_ms: 5_000 },
            503,
            "tiktok_unavailable",
        ),
        (FaultKind::CloseConnection, 503, "tiktok_unavailable"),
    ] {
        app.sandbox
            .inject_fault(Fault::new(kind).on(Endpoint::UserInfo));
        let answer = app
            .call(Method::POST, &format!("{BASE}/sync/42"), "42")
            .await;
        app.sandbox.clear_faults();
        assert_eq!(
            (answer.status, answer.error_code()),
            (status, Some(code)),
            "{kind:?}: {}",
            answer.text
        );
        if status == 429 || status == 503 {
            assert!(
                answer.headers.contains_key("retry-after"),
                "{kind:?} says when to retry"
            );
        }
        let metrics = app
            .call(Method::GET, &format!("{BASE}/metrics/42"), "42")
            .await;
        assert_eq!(
            metrics.body, synced.body,
            "{kind:?}: a failed sync leaves the stored data as it was"
        );
        let status = app
            .call(Method::GET, &format!("{BASE}/status/42"), "42")
            .await;
        assert_eq!(
            status.body["status"], "connected",
            "{kind:?}: a TikTok fault is no reason to drop the grant"
        );
    }
}

async fn a_profile_failure_during_connect_keeps_the_grant(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    app.sandbox.inject_fault(
        Fault::new(FaultKind::ServiceUnavailable)
            .on(Endpoint::UserInfo)
            .times(10),
    );
    let connected = app.connect("42", "sandbox_creator").await;
    app.sandbox.clear_faults();
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert_eq!(connected.body["status"], "connected");
    assert!(connected.body["account"]["last_sync_at"].is_null());
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "the kept grant works: {}", synced.text);
}

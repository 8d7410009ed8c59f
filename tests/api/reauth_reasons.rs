//! Why a creator must reconnect (`reauth_reason`) and when and why the last sync failed (`last_sync_error`),
//! as the status body shows them.

use std::time::Duration;

use reqwest::Method;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, Fault, FaultKind, SandboxConfig};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    a_revoked_grant_asks_for_a_reconnect_because_access_was_revoked_until_the_creator_reconnects,
    a_withdrawn_scope_asks_for_a_reconnect_because_the_scope_was_withdrawn,
    an_expired_refresh_token_asks_for_a_reconnect_because_it_expired,
    a_failed_first_profile_read_is_shown_as_the_last_sync_error_until_a_good_sync,
);

async fn read_status(app: &TestApp) -> Answer {
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.status, 200, "{}", status.text);
    status
}

async fn sync(app: &TestApp) -> Answer {
    app.call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await
}

/// Syncs, expects 409 `reauth_required`, and answers the status body after it.
async fn sync_needs_reauth(app: &TestApp) -> Answer {
    let synced = sync(app).await;
    assert_eq!(
        (synced.status, synced.error_code()),
        (409, Some("reauth_required")),
        "{}",
        synced.text
    );
    let status = read_status(app).await;
    assert_eq!(status.body["status"], "reauth_required");
    status
}

async fn a_revoked_grant_asks_for_a_reconnect_because_access_was_revoked_until_the_creator_reconnects(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let connected = app.connect("42", "sandbox_creator").await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert!(
        connected.body.get("reauth_reason").is_none(),
        "absent unless reauth_required: {}",
        connected.text
    );
    assert!(connected.body["last_sync_error"].is_null());
    app.sandbox
        .revoke_grant(&app.sandbox.open_id_of("sandbox_creator").unwrap());

    let status = sync_needs_reauth(&app).await;
    assert_eq!(status.body["reauth_reason"], "access_revoked");
    assert_eq!(status.body["last_sync_error"]["code"], "reauth_required");

    let reconnected = app.connect("42", "sandbox_creator").await;
    assert_eq!(reconnected.status, 200, "{}", reconnected.text);
    assert_eq!(reconnected.body["status"], "connected");
    assert!(reconnected.body.get("reauth_reason").is_none());
    assert!(reconnected.body["last_sync_error"].is_null());
    let after = read_status(&app).await;
    assert!(after.body.get("reauth_reason").is_none(), "{}", after.text);
    assert!(after.body["last_sync_error"].is_null());
}

async fn a_withdrawn_scope_asks_for_a_reconnect_because_the_scope_was_withdrawn(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();
    assert!(app.sandbox.withdraw_scope(&open_id, "user.info.stats") > 0);

    let status = sync_needs_reauth(&app).await;
    assert_eq!(status.body["reauth_reason"], "scope_withdrawn");
}

async fn an_expired_refresh_token_asks_for_a_reconnect_because_it_expired(backend: Backend) {
    let sandbox = SandboxConfig {
        access_token_ttl: Duration::from_secs(1),
        refresh_token_ttl: Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox, |_| {}).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    tokio::time::sleep(Duration::from_millis(1_100)).await;

    let status = sync_needs_reauth(&app).await;
    assert_eq!(status.body["reauth_reason"], "refresh_token_expired");
}

async fn a_failed_first_profile_read_is_shown_as_the_last_sync_error_until_a_good_sync(
    backend: Backend,
) {
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
    let error = &connected.body["last_sync_error"];
    assert_eq!(error["code"], "tiktok_unavailable", "{}", connected.text);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    let at = error["at"].as_str().expect("at");
    assert!(at.ends_with('Z'), "{at}");
    let at = chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339");
    assert!((chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_seconds() < 60);

    let shown = read_status(&app).await;
    assert_eq!(
        shown.body["last_sync_error"], *error,
        "the status shows it too"
    );
    assert!(shown.body["account"]["last_sync_at"].is_null());

    let synced = sync(&app).await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    let cleared = read_status(&app).await;
    assert!(
        cleared.body["last_sync_error"].is_null(),
        "{}",
        cleared.text
    );
    assert!(cleared.body["account"]["last_sync_at"].is_string());
}

//! Events for internal services end to end: the service configured with a real receiver on a loopback port
//! (EVENTS_WEBHOOK_URLS, EVENTS_WEBHOOK_SECRET) delivers each account change once, in order, signed per
//! Standard Webhooks; retries a receiver that is down; stops at a 410; and serves the feed and replay to
//! internal services only.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;
use tiktok_adapters_db::DieselEventOutbox;
use tiktok_integration_tests::receiver::{free_port, secret, url_on, Delivery, Receiver};
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::SandboxConfig;

use crate::webhooks::{deliver_signed, removed_event};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    connect_sync_and_disconnect_reach_the_receiver_once_in_order_and_signed,
    tiktoks_removal_and_a_refused_grant_are_reported_with_their_reasons,
    a_receiver_down_then_up_gets_each_event_once,
    a_receiver_answering_410_is_disabled,
    the_feed_pages_filters_and_replays_for_internal_services_only,
    a_refresh_token_nearing_expiry_is_reported_once,
);

/// The service sending its events to `url`, signed with the receiver's secret, dispatching every 50 ms and
/// retrying after a second.
async fn spawn_with_receiver(backend: Backend, url: &str) -> Option<TestApp> {
    spawn_with_receiver_and_sandbox(backend, url, SandboxConfig::default()).await
}

async fn spawn_with_receiver_and_sandbox(
    backend: Backend,
    url: &str,
    sandbox: SandboxConfig,
) -> Option<TestApp> {
    let url = url.to_owned();
    TestApp::spawn_with_sandbox(
        backend,
        sandbox,
        move |vars: &mut HashMap<String, String>| {
            vars.insert("EVENTS_WEBHOOK_URLS".into(), url);
            vars.insert("EVENTS_WEBHOOK_SECRET".into(), secret(1).to_whsec());
            vars.insert("APP_EVENTS__DISPATCH_INTERVAL_MS".into(), "50".into());
            vars.insert("APP_EVENTS__FIRST_RETRY_SECONDS".into(), "1".into());
        },
    )
    .await
}

fn types(deliveries: &[Delivery]) -> Vec<String> {
    deliveries.iter().map(Delivery::event_type).collect()
}

/// Waits a little longer than a few dispatch rounds, so that a duplicate would have arrived.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

async fn connect_sync_and_disconnect_reach_the_receiver_once_in_order_and_signed(backend: Backend) {
    let receiver = Receiver::start(secret(1));
    let Some(app) = spawn_with_receiver(backend, &receiver.url).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    let disconnected = app
        .call(Method::DELETE, &format!("{BASE}/disconnect/42"), "42")
        .await;
    assert_eq!(disconnected.status, 200, "{}", disconnected.text);

    // The callback reads the profile at once: a first `synced` follows `connected`.
    receiver.wait_for(4).await;
    settle().await;
    let got = receiver.deliveries();
    assert_eq!(
        types(&got),
        [
            "tiktok.account.connected",
            "tiktok.account.synced",
            "tiktok.account.synced",
            "tiktok.account.disconnected"
        ],
        "each exactly once, in order"
    );
    for delivery in &got {
        assert!(delivery.verified, "signed with the configured secret");
        assert!(
            !delivery.verifies_with(&secret(99)),
            "a wrong secret is refused"
        );
        let envelope = delivery.envelope();
        assert_eq!(
            envelope["id"],
            delivery.id.as_str(),
            "webhook-id is the event's id"
        );
        assert_eq!(envelope["user_id"], "42");
        assert!(delivery.id.starts_with("evt_"));
        let body = String::from_utf8_lossy(&delivery.body).to_string();
        for secretive in ["access", "refresh", "token", "code", "whsec"] {
            assert!(!body.contains(secretive), "{secretive} in {body}");
        }
    }
    let first = got[1].envelope();
    assert_eq!(
        first["data"]["changes"],
        serde_json::Value::Null,
        "first sync"
    );
    assert_eq!(
        first["data"]["video_count"], 45,
        "the sandbox creator's videos"
    );
    let second = got[2].envelope();
    assert!(second["data"]["changes"].is_object(), "{second}");
    assert_eq!(second["data"]["changes"]["video_count"], 0);
    assert_eq!(got[3].envelope()["data"]["reason"], "user_request");
    let tampered = Delivery {
        body: got[0].body.iter().rev().copied().collect(),
        ..got[0].clone()
    };
    assert!(
        !tampered.verifies_with(&secret(1)),
        "another body is refused"
    );
}

async fn tiktoks_removal_and_a_refused_grant_are_reported_with_their_reasons(backend: Backend) {
    let receiver = Receiver::start(secret(1));
    let Some(app) = spawn_with_receiver(backend, &receiver.url).await else {
        return;
    };
    // A grant TikTok refuses: reauth_required with the status body's reason.
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();
    app.sandbox.revoke_grant(&open_id);
    let refused = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(
        refused.error_code(),
        Some("reauth_required"),
        "{}",
        refused.text
    );

    // Reconnected, then removed at TikTok (reason 4: account banned).
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let removed = deliver_signed(
        &app,
        &removed_event(&app, &open_id, 4, chrono::Utc::now().timestamp()),
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.text);

    receiver.wait_for(6).await;
    settle().await;
    let got = receiver.deliveries();
    assert_eq!(
        types(&got),
        [
            "tiktok.account.connected",
            "tiktok.account.synced",
            "tiktok.account.reauth_required",
            "tiktok.account.connected",
            "tiktok.account.synced",
            "tiktok.account.disconnected"
        ]
    );
    assert_eq!(got[2].envelope()["data"]["reason"], "access_revoked");
    assert_eq!(got[5].envelope()["data"]["reason"], "account_banned");
}

async fn a_receiver_down_then_up_gets_each_event_once(backend: Backend) {
    let port = free_port();
    let Some(app) = spawn_with_receiver(backend, &url_on(port)).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert_eq!(app.connect("43", "sandbox_newcomer").await.status, 200);
    // Refused connections meanwhile; then the receiver comes up and the retries find it.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let receiver = Receiver::start_on(port, secret(1));
    receiver.wait_for(4).await;
    settle().await;
    let got = receiver.deliveries();
    assert_eq!(got.len(), 4, "connected and synced of each user, once");
    for user in ["42", "43"] {
        let theirs: Vec<String> = got
            .iter()
            .filter(|d| d.envelope()["user_id"] == user)
            .map(Delivery::event_type)
            .collect();
        assert_eq!(
            theirs,
            ["tiktok.account.connected", "tiktok.account.synced"],
            "in order for {user}"
        );
    }
    let mut ids: Vec<&str> = got.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "no duplicate");
}

async fn a_receiver_answering_410_is_disabled(backend: Backend) {
    let receiver = Receiver::start(secret(1));
    receiver.answer(410);
    let Some(app) = spawn_with_receiver(backend, &receiver.url).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    receiver.wait_for(1).await;
    receiver.answer(204);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200);
    settle().await;
    assert_eq!(receiver.deliveries().len(), 1, "nothing after the 410");
    let endpoint = tiktok_adapters_webhooks::endpoint_id(&url::Url::parse(&receiver.url).unwrap());
    let outbox = DieselEventOutbox::new(app.database.clone());
    assert!(outbox.endpoint_disabled(&endpoint).await.unwrap());
}

async fn the_feed_pages_filters_and_replays_for_internal_services_only(backend: Backend) {
    let receiver = Receiver::start(secret(1));
    let Some(app) = spawn_with_receiver(backend, &receiver.url).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert_eq!(app.connect("43", "sandbox_newcomer").await.status, 200);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200);
    receiver.wait_for(5).await;
    let admin = app.admin_token();
    let get = |path: String| {
        let admin = admin.clone();
        let app = &app;
        async move { app.call_with(Method::GET, &path, Some(&admin)).await }
    };

    // Pages of two, oldest first, until a short page: the same envelopes the receiver got.
    let mut all: Vec<serde_json::Value> = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = after
            .as_ref()
            .map(|a| format!("&after={a}"))
            .unwrap_or_default();
        let page = get(format!("{BASE}/events?limit=2{query}")).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let events = page.body["events"].as_array().unwrap().clone();
        pages += 1;
        all.extend(events.iter().cloned());
        after = page.body["next_cursor"].as_str().map(str::to_owned);
        if events.len() < 2 {
            break;
        }
    }
    assert_eq!((pages, all.len()), (3, 5));
    let mut delivered: Vec<serde_json::Value> = receiver
        .deliveries()
        .iter()
        .map(Delivery::envelope)
        .collect();
    let by_id = |e: &serde_json::Value| e["id"].as_str().unwrap().to_owned();
    let mut fed = all.clone();
    fed.sort_by_key(by_id);
    delivered.sort_by_key(by_id);
    assert_eq!(fed, delivered);
    let last = after.expect("the last page's cursor");
    let empty = get(format!("{BASE}/events?after={last}")).await;
    assert_eq!(
        empty.body,
        serde_json::json!({"events": [], "next_cursor": null})
    );
    let events = all;

    // Only one type.
    let only = get(format!("{BASE}/events?type=tiktok.account.synced")).await;
    let only = only.body["events"].as_array().unwrap().clone();
    assert_eq!(only.len(), 3);
    assert!(only.iter().all(|e| e["type"] == "tiktok.account.synced"));

    // Bad input: 400 in the contract's shape.
    for query in [
        "after=abc",
        "after=-1",
        "limit=0",
        "limit=x",
        "type=tiktok.account.nope",
    ] {
        let bad = get(format!("{BASE}/events?{query}")).await;
        assert_eq!(bad.status, 400, "{query}: {}", bad.text);
        assert_eq!(bad.error_code(), Some("invalid_request"), "{query}");
    }

    // Creators may not read it; no token at all is 401.
    let creator = app.call(Method::GET, &format!("{BASE}/events"), "42").await;
    assert_eq!(
        (creator.status, creator.error_code()),
        (403, Some("forbidden"))
    );
    let anonymous = app
        .call_with(Method::GET, &format!("{BASE}/events"), None)
        .await;
    assert_eq!(anonymous.status, 401);

    // Replay: the same webhook-id again, to the receiver; an unknown id is 404 event_not_found.
    let id = events[0]["id"].as_str().unwrap().to_owned();
    let path = format!("{BASE}/events/{id}/redeliver");
    let by_creator = app.call(Method::POST, &path, "42").await;
    assert_eq!(by_creator.status, 403);
    let replayed = app.call_with(Method::POST, &path, Some(&admin)).await;
    assert_eq!(replayed.status, 202, "{}", replayed.text);
    let got = receiver.wait_for(6).await;
    assert_eq!(got[5].id, id, "the same webhook-id");
    let original = got.iter().find(|d| d.id == id).unwrap();
    assert_eq!(got[5].body, original.body, "byte for byte");
    let unknown = app
        .call_with(
            Method::POST,
            &format!("{BASE}/events/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV/redeliver"),
            Some(&admin),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.error_code()),
        (404, Some("event_not_found"))
    );
    let malformed = app
        .call_with(
            Method::POST,
            &format!("{BASE}/events/nope/redeliver"),
            Some(&admin),
        )
        .await;
    assert_eq!(malformed.status, 400);
}

/// A grant whose refresh token lives 7 days is inside the 14-day warning window from the start: the
/// refresher's round reports it once, with its expiry; later rounds (on any replica) do not repeat it.
async fn a_refresh_token_nearing_expiry_is_reported_once(backend: Backend) {
    let receiver = Receiver::start(secret(1));
    let sandbox = SandboxConfig {
        refresh_token_ttl: Duration::from_secs(7 * 86_400),
        ..SandboxConfig::default()
    };
    let Some(app) = spawn_with_receiver_and_sandbox(backend, &receiver.url, sandbox).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert_eq!(app.background.reauth_due_round().await.unwrap(), 1);
    assert_eq!(app.background.reauth_due_round().await.unwrap(), 0);
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    receiver.wait_for(3).await;
    settle().await;
    let got = receiver.deliveries();
    assert_eq!(
        types(&got),
        [
            "tiktok.account.connected",
            "tiktok.account.synced",
            "tiktok.account.reauth_due"
        ]
    );
    let due = got[2].envelope();
    let due_at = due["data"]["reauth_due_at"].as_str().unwrap();
    let shown = status.body["reauth_due_at"]
        .as_str()
        .expect("the status shows it too");
    let parse = |raw: &str| chrono::DateTime::parse_from_rfc3339(raw).unwrap();
    assert_eq!(
        parse(due_at).timestamp(),
        parse(shown).timestamp(),
        "the same date as the status body (which shows whole seconds)"
    );
}

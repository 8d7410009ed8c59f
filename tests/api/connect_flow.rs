//! The happy path and its variations: connect, status, sync, metrics, disconnect, reconnect.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp, REDIRECT_URI};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    a_creator_connects_syncs_reads_metrics_and_disconnects,
    reconnecting_reuses_the_users_row_and_clears_the_disconnect,
    init_returns_tiktoks_v2_authorization_url_with_a_long_state,
    a_partial_grant_stores_only_what_its_scopes_allow,
    with_pkce_on_the_url_carries_a_hex_challenge_and_the_verifier_completes_the_exchange,
    another_user_cannot_spend_your_oauth_state,
);

async fn a_creator_connects_syncs_reads_metrics_and_disconnects(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };

    let before = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(before.status, 200);
    assert_eq!(before.body["status"], "not_connected");
    assert_eq!(before.body["connected"], false);
    assert!(before.body["account"].is_null());

    let connected = app.connect("42", "sandbox_creator").await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert_eq!(connected.body["status"], "connected");
    assert_eq!(connected.body["connected"], true);
    let account = &connected.body["account"];
    assert_eq!(
        account["tiktok_user_id"],
        app.sandbox.open_id_of("sandbox_creator").unwrap().as_str()
    );
    assert_eq!(account["username"], "sandbox_creator");
    assert_eq!(account["display_name"], "Sandbox sandbox_creator");
    assert!(account["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "user.info.stats"));
    assert!(account["connected_at"].as_str().unwrap().ends_with('Z'));

    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "connected");

    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    let user = app
        .sandbox
        .config()
        .user("sandbox_creator")
        .unwrap()
        .clone();
    assert_eq!(synced.body["follower_count"], user.follower_count);
    assert_eq!(synced.body["following_count"], user.following_count);
    assert_eq!(synced.body["like_count"], user.likes_count);
    assert_eq!(synced.body["video_count"], i64::from(user.video_count));
    assert!(synced.body["last_sync_at"].is_string());

    let metrics = app
        .call(Method::GET, &format!("{BASE}/metrics/42"), "42")
        .await;
    assert_eq!(metrics.status, 200);
    assert_eq!(metrics.body, synced.body, "metrics shows what sync stored");

    let revokes_before = app.sandbox.request_count(tiktok_sandbox::Endpoint::Revoke);
    let gone = app
        .call(Method::DELETE, &format!("{BASE}/disconnect/42"), "42")
        .await;
    assert_eq!(gone.status, 200);
    assert_eq!(gone.body["status"], "not_connected");
    assert!(gone.body["account"].is_null());
    assert_eq!(
        app.sandbox.request_count(tiktok_sandbox::Endpoint::Revoke),
        revokes_before + 1,
        "revoked at TikTok"
    );

    let metrics = app
        .call(Method::GET, &format!("{BASE}/metrics/42"), "42")
        .await;
    assert_eq!(
        (metrics.status, metrics.error_code()),
        (404, Some("not_connected"))
    );
    let sync = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(
        (sync.status, sync.error_code()),
        (404, Some("not_connected"))
    );
    let again = app
        .call(Method::DELETE, &format!("{BASE}/disconnect/42"), "42")
        .await;
    assert_eq!(
        (again.status, again.body["status"].as_str()),
        (200, Some("not_connected")),
        "disconnect is idempotent"
    );
    let never = app
        .call(
            Method::DELETE,
            &format!("{BASE}/disconnect/never-connected"),
            "never-connected",
        )
        .await;
    assert_eq!(
        (never.status, never.body["status"].as_str()),
        (200, Some("not_connected"))
    );
}

async fn reconnecting_reuses_the_users_row_and_clears_the_disconnect(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("7", "sandbox_creator").await.status, 200);
    assert_eq!(
        app.call(Method::DELETE, &format!("{BASE}/disconnect/7"), "7")
            .await
            .status,
        200
    );

    let again = app.connect("7", "sandbox_creator").await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["status"], "connected");
    let synced = app.call(Method::POST, &format!("{BASE}/sync/7"), "7").await;
    assert_eq!(synced.status, 200, "the new grant works: {}", synced.text);
}

async fn init_returns_tiktoks_v2_authorization_url_with_a_long_state(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let init = app.init("42").await;
    assert_eq!(init.status, 200);
    let url = url::Url::parse(init.body["authorization_url"].as_str().unwrap()).unwrap();
    assert_eq!(url.path(), "/v2/auth/authorize/");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_key"], app.sandbox.client_key());
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["redirect_uri"], REDIRECT_URI);
    assert_eq!(
        query["scope"],
        "user.info.basic,user.info.profile,user.info.stats,video.list"
    );
    let state = init.body["state"].as_str().unwrap();
    assert_eq!(query["state"], state);
    assert!(state.len() >= 22, "at least 128 bits of state");
    assert!(
        !init.text.contains(app.sandbox.client_secret()),
        "the secret never leaves"
    );
    let expires =
        chrono::DateTime::parse_from_rfc3339(init.body["expires_at"].as_str().unwrap()).unwrap();
    let ttl = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!(
        (590..=600).contains(&ttl),
        "a state lives 10 minutes, got {ttl} s"
    );
}

async fn a_partial_grant_stores_only_what_its_scopes_allow(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let init = app.init("9").await;
    let url = init.body["authorization_url"].as_str().unwrap();
    let query = app
        .authorize_at_tiktok(url, "&sandbox_scopes=user.info.basic")
        .await;
    let connected = app.callback("9", &query).await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert_eq!(
        connected.body["account"]["scopes"],
        serde_json::json!(["user.info.basic"])
    );
    assert!(
        connected.body["account"]["username"].is_null(),
        "username needs user.info.profile"
    );
    let synced = app.call(Method::POST, &format!("{BASE}/sync/9"), "9").await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    assert!(
        synced.body["follower_count"].is_null(),
        "counts need user.info.stats: never invented"
    );
}

async fn with_pkce_on_the_url_carries_a_hex_challenge_and_the_verifier_completes_the_exchange(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_TIKTOK__PKCE".into(), "true".into());
    })
    .await
    else {
        return;
    };
    let init = app.init("42").await;
    let url = url::Url::parse(init.body["authorization_url"].as_str().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    let challenge = &query["code_challenge"];
    assert_eq!(challenge.len(), 64);
    assert!(challenge
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    // The sandbox checks the verifier against the challenge at the token step.
    let tiktok = app.authorize_at_tiktok(url.as_str(), "").await;
    let connected = app.callback("42", &tiktok).await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert_eq!(connected.body["status"], "connected");
}

async fn another_user_cannot_spend_your_oauth_state(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let init = app.init("42").await;
    let url = init.body["authorization_url"].as_str().expect("a url");
    let query = app
        .authorize_at_tiktok(url, "&sandbox_user=sandbox_creator")
        .await;

    // User 43 replays user 42's callback (state and code) as their own.
    let stolen = app.callback("43", &query).await;

    assert_eq!(
        (stolen.status, stolen.error_code()),
        (400, Some("invalid_state")),
        "{}",
        stolen.text
    );
    let thief = app
        .call(Method::GET, &format!("{BASE}/status/43"), "43")
        .await;
    assert_eq!(thief.body["status"], "not_connected");
    let own = app.callback("42", &query).await;
    assert_eq!(own.status, 200, "42's state was left to 42: {}", own.text);
    assert_eq!(own.body["status"], "connected");
}

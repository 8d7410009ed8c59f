//! Helpers: start a sandbox and walk the documented flows by hand.

use reqwest::{redirect::Policy, Client, StatusCode};
use serde_json::Value;
use tiktok_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use url::Url;

pub const REDIRECT: &str = "https://app.example/tiktok/callback";
pub const ALL_SCOPES: &str = "user.info.basic,user.info.profile,user.info.stats,video.list";

pub fn start() -> SandboxHandle {
    start_with(SandboxConfig::default())
}

pub fn start_with(config: SandboxConfig) -> SandboxHandle {
    Sandbox::start(config).expect("the sandbox starts")
}

pub fn http() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// The authorize URL with the standard parameters, plus `extra`.
pub fn authorize_url(sbx: &SandboxHandle, extra: &[(&str, &str)]) -> Url {
    let mut url = Url::parse(&format!("{}/v2/auth/authorize/", sbx.base_url())).expect("url");
    url.query_pairs_mut()
        .append_pair("client_key", sbx.client_key())
        .append_pair("scope", ALL_SCOPES)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("state", "st4te");
    for (k, v) in extra {
        url.query_pairs_mut().append_pair(k, v);
    }
    url
}

/// Follows the authorize URL once and returns the callback URL it redirects to.
pub async fn callback(sbx: &SandboxHandle, extra: &[(&str, &str)]) -> Url {
    let resp = http()
        .get(authorize_url(sbx, extra))
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().expect("ascii");
    Url::parse(location).expect("absolute location")
}

pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A fresh code (URL-decoded once, from the callback's query map).
pub async fn code(sbx: &SandboxHandle, extra: &[(&str, &str)]) -> String {
    param(&callback(sbx, extra).await, "code").expect("a code")
}

pub async fn token_request(sbx: &SandboxHandle, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut full = vec![
        ("client_key", sbx.client_key()),
        ("client_secret", sbx.client_secret()),
    ];
    full.extend_from_slice(form);
    let resp = http()
        .post(format!("{}/v2/oauth/token/", sbx.base_url()))
        .form(&full)
        .send()
        .await
        .expect("token request");
    let status = resp.status();
    (status, resp.json().await.expect("JSON body"))
}

pub async fn exchange(sbx: &SandboxHandle, code: &str, redirect_uri: &str) -> (StatusCode, Value) {
    token_request(
        sbx,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ],
    )
    .await
}

pub async fn refresh(sbx: &SandboxHandle, refresh_token: &str) -> (StatusCode, Value) {
    token_request(
        sbx,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

/// The whole code flow; returns the token body.
pub async fn connect(sbx: &SandboxHandle, extra: &[(&str, &str)]) -> Value {
    let code = code(sbx, extra).await;
    let (status, body) = exchange(sbx, &code, REDIRECT).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

pub async fn user_info(sbx: &SandboxHandle, token: &str, fields: &str) -> (StatusCode, Value) {
    let resp = http()
        .get(format!("{}/v2/user/info/", sbx.base_url()))
        .query(&[("fields", fields)])
        .bearer_auth(token)
        .send()
        .await
        .expect("user info");
    let status = resp.status();
    (status, resp.json().await.expect("JSON body"))
}

pub async fn video_list(sbx: &SandboxHandle, token: &str, body: Value) -> (StatusCode, Value) {
    let resp = http()
        .post(format!("{}/v2/video/list/", sbx.base_url()))
        .query(&[("fields", "id,create_time,title")])
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("video list");
    let status = resp.status();
    (status, resp.json().await.expect("JSON body"))
}

//! Helpers: a sandbox, a client pointed at it, and the browser's part of the code flow.

use std::time::Duration;

use reqwest::redirect::Policy;
use secrecy::SecretString;
use tiktok_adapters_tiktok::{TikTokClientConfig, TikTokHttpClient};
use tiktok_domain::ports::{AuthorizationRequest, TikTokOAuth, TokenGrant};
use tiktok_domain::values::{AuthorizationCode, CodeVerifier, OAuthState, RedirectUri, Scopes};
use tiktok_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use url::Url;

pub const REDIRECT: &str = "https://app.example/tiktok/callback";
pub const ALL_SCOPES: &str = "user.info.basic,user.info.profile,user.info.stats,video.list";

pub fn sandbox() -> SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("the sandbox starts")
}

/// Settings for tests: the sandbox's URLs and credentials, quick retries.
pub fn config_for(base_url: &str, key: &str, secret: &str) -> TikTokClientConfig {
    let mut config = TikTokClientConfig::new(key, SecretString::from(secret.to_owned()));
    config.auth_base_url = Url::parse(base_url).expect("url");
    config.api_base_url = Url::parse(base_url).expect("url");
    config.request_timeout = Duration::from_secs(3);
    config.retry_base_delay = Duration::from_millis(10);
    config.retry_max_total = Duration::from_secs(2);
    config
}

pub fn client_with(
    sbx: &SandboxHandle,
    tune: impl FnOnce(&mut TikTokClientConfig),
) -> TikTokHttpClient {
    let mut config = config_for(&sbx.base_url(), sbx.client_key(), sbx.client_secret());
    tune(&mut config);
    TikTokHttpClient::new(config).expect("client")
}

pub fn client(sbx: &SandboxHandle) -> TikTokHttpClient {
    client_with(sbx, |_| {})
}

/// A client for a canned server.
pub fn canned_client(base_url: &str) -> TikTokHttpClient {
    TikTokHttpClient::new(config_for(base_url, "sbx_client_key", "sbx_client_secret"))
        .expect("client")
}

pub fn redirect_uri() -> RedirectUri {
    RedirectUri::parse(REDIRECT).expect("redirect uri")
}

pub fn scopes(raw: &str) -> Scopes {
    Scopes::parse_comma_separated(raw).expect("scopes")
}

pub fn request(scope_list: &str, code_verifier: Option<CodeVerifier>) -> AuthorizationRequest {
    AuthorizationRequest {
        scopes: scopes(scope_list),
        redirect_uri: redirect_uri(),
        state: OAuthState::generate(),
        code_verifier,
    }
}

/// What the browser does: opens the authorize URL (plus sandbox-only `extra` parameters) and lands on the
/// callback. Returns the callback URL.
pub async fn browse(
    client: &TikTokHttpClient,
    req: &AuthorizationRequest,
    extra: &[(&str, &str)],
) -> Url {
    let mut url = Url::parse(&client.authorization_url(req)).expect("authorization url");
    url.query_pairs_mut().extend_pairs(extra);
    let resp = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("browser")
        .get(url)
        .send()
        .await
        .expect("authorize page");
    assert_eq!(resp.status(), 302, "authorize answered {}", resp.status());
    Url::parse(resp.headers()["location"].to_str().expect("ascii")).expect("callback url")
}

/// The code as a web framework's query extractor gives it: URL-decoded exactly once.
pub fn code_of(callback: &Url) -> AuthorizationCode {
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code on the callback");
    AuthorizationCode::parse(&code).expect("a valid code")
}

/// The whole flow up to a grant.
pub async fn connect(
    client: &TikTokHttpClient,
    scope_list: &str,
    extra: &[(&str, &str)],
) -> TokenGrant {
    let req = request(scope_list, None);
    let code = code_of(&browse(client, &req, extra).await);
    client
        .exchange_code(&code, &redirect_uri(), None)
        .await
        .expect("the code exchange succeeds")
}

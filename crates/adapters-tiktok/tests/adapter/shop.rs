//! The TikTok Shop client against the sandbox's Shop over loopback.

use std::time::Duration;

use chrono::Utc;
use reqwest::redirect::Policy;
use secrecy::SecretString;
use tiktok_adapters_tiktok::{ShopClientConfig, ShopHttpClient};
use tiktok_domain::shop::{
    Decimal, OrderStatus, SearchQuery, ShopApiError, ShopData, ShopGrant, ShopOAuth,
};
use tiktok_domain::values::{AuthorizationCode, OAuthState};
use tiktok_sandbox::{FakeShop, Sandbox, SandboxConfig, SandboxHandle, ShopApi, ShopFault};
use url::Url;

fn shop_sandbox(tune: impl FnOnce(&mut SandboxConfig)) -> SandboxHandle {
    let mut config = SandboxConfig::default();
    tune(&mut config);
    Sandbox::start(config).expect("the sandbox starts")
}

fn shop_client(sbx: &SandboxHandle, secret: &str) -> ShopHttpClient {
    let shop = sbx.shop_config();
    let mut config = ShopClientConfig::new(
        shop.app_key.clone(),
        SecretString::from(secret.to_owned()),
        shop.service_id.clone(),
    );
    let base = Url::parse(&sbx.base_url()).expect("url");
    config.auth_base_url = base.clone();
    config.token_base_url = base.clone();
    config.api_base_url = base;
    config.retry_base_delay = Duration::from_millis(10);
    config.retry_max_total = Duration::from_secs(2);
    ShopHttpClient::new(config).expect("client")
}

fn client(sbx: &SandboxHandle) -> ShopHttpClient {
    shop_client(sbx, &sbx.shop_config().app_secret.clone())
}

/// The seller's part: open the authorize link, follow the redirect back, keep the code.
async fn authorize(sbx: &SandboxHandle, client: &ShopHttpClient) -> AuthorizationCode {
    let state = OAuthState::generate();
    let url = format!(
        "{}&redirect_uri={}",
        client.authorization_url(&state),
        "https%3A%2F%2Fapp.example%2Fshop%2Fcallback"
    );
    assert!(url.starts_with(&format!("{}/open/authorize?service_id=", sbx.base_url())));
    let browser = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("browser");
    let answer = browser.get(&url).send().await.expect("authorize page");
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let back = Url::parse(&location).expect("callback url");
    let pairs: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(pairs.get("state").map(String::as_str), Some(state.as_str()));
    AuthorizationCode::parse(&pairs["code"]).expect("code")
}

async fn connect(sbx: &SandboxHandle, client: &ShopHttpClient) -> ShopGrant {
    let code = authorize(sbx, client).await;
    client.exchange_code(&code).await.expect("grant")
}

fn window(page_size: u32) -> SearchQuery {
    SearchQuery {
        updated_from: 0,
        updated_until: Utc::now().timestamp() + 1,
        page_size,
        page_token: None,
    }
}

#[tokio::test]
async fn connect_list_shops_and_page_through_orders_and_products_exactly() {
    let sbx = shop_sandbox(|_| {});
    let client = client(&sbx);
    let grant = connect(&sbx, &client).await;
    let days = (grant.access_expires_at - Utc::now()).num_hours();
    assert!(
        (167..=168).contains(&days),
        "absolute expiry 7 days ahead, got {days} h"
    );
    assert!(grant.refresh_expires_at > grant.access_expires_at);
    assert_eq!(grant.seller_name, "Sandbox Seller");

    let shops = client
        .authorized_shops(&grant.access_token)
        .await
        .expect("shops");
    assert_eq!(shops.len(), 2);
    assert_eq!(shops[0].id, "7000714532876273420");
    assert!(
        !format!("{shops:?}").contains("ROW_"),
        "the cipher is redacted"
    );

    let mut query = window(50);
    let (mut orders, mut pages) = (Vec::new(), 0);
    loop {
        let page = client
            .search_orders(&grant.access_token, &shops[0].cipher, &query)
            .await
            .expect("orders page");
        pages += 1;
        assert_eq!(page.total_count, 120);
        orders.extend(page.items);
        match page.next_page_token {
            // The sandbox's tokens carry `+` and `/`: they must survive encoding and signing.
            Some(token) => query.page_token = Some(token),
            None => break,
        }
    }
    assert_eq!((pages, orders.len()), (3, 120));
    assert!(orders
        .windows(2)
        .all(|w| w[0].updated_at <= w[1].updated_at));
    assert!(orders.iter().any(|o| o.status == OrderStatus::OnHold));
    assert!(orders
        .iter()
        .all(|o| o.id.len() == 18 && o.currency == "GBP"));
    let total = orders
        .iter()
        .try_fold(Decimal::ZERO, |sum, o| sum.checked_add(o.total_amount))
        .expect("sum");
    // The same sum in integer cents.
    let cents: i64 = orders
        .iter()
        .map(|o| {
            let (whole, frac) = o
                .total_amount
                .to_string()
                .split_once('.')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .expect("two decimals");
            whole.parse::<i64>().expect("int") * 100 + frac.parse::<i64>().expect("int")
        })
        .sum();
    assert_eq!(
        total.to_string(),
        format!("{}.{:02}", cents / 100, cents % 100)
    );

    let products = client
        .search_products(&grant.access_token, &shops[1].cipher, &window(100))
        .await
        .expect("products");
    assert_eq!(products.items.len(), 12);
    assert!(products.next_page_token.is_none());
    assert!(products.items[0].skus[0].price.is_some());
}

#[tokio::test]
async fn a_bad_signature_is_refused_with_106001_and_not_retried() {
    let sbx = shop_sandbox(|_| {});
    let grant = connect(&sbx, &client(&sbx)).await;
    let wrong = shop_client(&sbx, "not-the-secret");
    let err = wrong
        .authorized_shops(&grant.access_token)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, ShopApiError::Rejected { code: 106_001, .. }),
        "{err:?}"
    );
    assert_eq!(sbx.shop_request_count(ShopApi::Shops), 1);
}

#[tokio::test]
async fn expiry_then_refresh_rotates_and_the_old_refresh_token_is_dead() {
    let sbx = shop_sandbox(|_| {});
    let client = client(&sbx);
    let grant = connect(&sbx, &client).await;
    sbx.shop_expire_access_tokens();
    let err = client
        .authorized_shops(&grant.access_token)
        .await
        .expect_err("expired");
    assert!(matches!(err, ShopApiError::AccessTokenExpired), "{err:?}");
    let renewed = client.refresh(&grant.refresh_token).await.expect("refresh");
    assert_ne!(renewed.refresh_token.expose(), grant.refresh_token.expose());
    client
        .authorized_shops(&renewed.access_token)
        .await
        .expect("works again");
    let err = client
        .refresh(&grant.refresh_token)
        .await
        .expect_err("rotated away");
    assert!(
        matches!(err, ShopApiError::ReauthRequired { code: 36_004_001 }),
        "{err:?}"
    );
    // A spent code is refused too.
    let code = AuthorizationCode::parse(&sbx.shop_issue_code()).expect("code");
    client.exchange_code(&code).await.expect("first use");
    let err = client.exchange_code(&code).await.expect_err("single use");
    assert!(
        matches!(err, ShopApiError::ReauthRequired { code: 36_004_004 }),
        "{err:?}"
    );
    assert_eq!(sbx.shop_refresh_count(), 1);
}

#[tokio::test]
async fn transient_codes_are_retried_and_the_cap_is_reported() {
    let sbx = shop_sandbox(|c| {
        c.shop.result_cap = 100;
        c.shop.shops = vec![FakeShop::new(
            "7000000000000000001",
            "Big",
            "US",
            "USD",
            150,
            0,
        )];
    });
    let client = client(&sbx);
    let grant = connect(&sbx, &client).await;
    let shops = client
        .authorized_shops(&grant.access_token)
        .await
        .expect("shops");
    sbx.shop_inject_fault(ShopFault {
        api: ShopApi::Orders,
        http_status: 200,
        code: 36_009_003,
        message: "internal error".into(),
        times: 1,
    });
    sbx.shop_inject_fault(ShopFault {
        api: ShopApi::Orders,
        http_status: 429,
        code: 36_009_002,
        message: "Too many requests".into(),
        times: 1,
    });
    let err = client
        .search_orders(&grant.access_token, &shops[0].cipher, &window(100))
        .await
        .expect_err("capped");
    assert!(matches!(err, ShopApiError::ResultCapExceeded), "{err:?}");
    assert_eq!(
        sbx.shop_request_count(ShopApi::Orders),
        3,
        "two retries, then the cap"
    );
    let mut half = window(100);
    half.updated_until = Utc::now().timestamp() - 75 * 600;
    let page = client
        .search_orders(&grant.access_token, &shops[0].cipher, &half)
        .await
        .expect("a narrower window passes");
    assert!(page.total_count <= 100);
}

#[tokio::test]
async fn no_token_cipher_code_or_app_secret_appears_in_logs_or_errors() {
    let capture = crate::logs::Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sbx = shop_sandbox(|_| {});
    let client = client(&sbx);
    let code = authorize(&sbx, &client).await;
    let grant = client.exchange_code(&code).await.expect("grant");
    let mut errors = vec![format!("{:?}", client.exchange_code(&code).await)];
    let shops = client
        .authorized_shops(&grant.access_token)
        .await
        .expect("shops");
    for (api, status, code) in [
        (ShopApi::Orders, 200, 36_009_003),
        (ShopApi::Orders, 401, 106_001),
        (ShopApi::TokenRefresh, 200, 36_004_001),
        (ShopApi::Shops, 429, 36_009_002),
    ] {
        sbx.shop_inject_fault(ShopFault {
            api,
            http_status: status,
            code,
            message: "fault".into(),
            times: 3,
        });
    }
    errors.push(format!(
        "{:?}",
        client
            .search_orders(&grant.access_token, &shops[0].cipher, &window(10))
            .await
    ));
    errors.push(format!(
        "{:?}",
        client
            .search_orders(&grant.access_token, &shops[0].cipher, &window(10))
            .await
    ));
    errors.push(format!("{:?}", client.refresh(&grant.refresh_token).await));
    errors.push(format!(
        "{:?}",
        client.authorized_shops(&grant.access_token).await
    ));
    // Token endpoint unreachable: the error must not carry the URL (it holds the app secret).
    let shop = sbx.shop_config();
    let mut dead = ShopClientConfig::new(
        shop.app_key.clone(),
        SecretString::from(shop.app_secret.clone()),
        "svc",
    );
    dead.token_base_url = Url::parse("http://127.0.0.1:1").expect("url");
    let dead = ShopHttpClient::new(dead).expect("client");
    errors.push(format!("{:?}", dead.refresh(&grant.refresh_token).await));
    errors.push(
        dead.refresh(&grant.refresh_token)
            .await
            .map(|_| String::new())
            .unwrap_or_else(|e| {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    text.push_str(&format!(": {s}"));
                    source = s.source();
                }
                text
            }),
    );

    let logs = capture.text();
    assert!(logs.contains("request_id"), "the capture works: {logs}");
    let mut secrets = sbx.shop_known_tokens();
    secrets.extend([shop.app_secret.clone(), code.expose().to_owned()]);
    secrets.extend(shop.shops.iter().map(tiktok_sandbox::FakeShop::cipher));
    let everything = format!("{logs}\n{}", errors.join("\n"));
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a secret leaked: {secret}"
        );
    }
}

//! What the sandbox's TikTok Shop is started with.

use std::time::Duration;

/// The sandbox's TikTok Shop app, seller and shops. [`ShopSandboxConfig::default`] has two shops in two
/// currencies.
#[derive(Debug, Clone)]
pub struct ShopSandboxConfig {
    /// The only `app_key` accepted.
    pub app_key: String,
    /// The only `app_secret` accepted (signing key, webhook key).
    pub app_secret: String,
    /// The app's `service_id` expected on the authorize page.
    pub service_id: String,
    /// Where the authorize page sends the seller back (TikTok: configured at Partner Center). A
    /// `redirect_uri` query parameter (a sandbox extension) wins; without either, the page shows the code.
    pub redirect_url: Option<String>,
    /// The seller's name.
    pub seller_name: String,
    /// The seller's shops.
    pub shops: Vec<FakeShop>,
    /// Lifetime of an access token (TikTok: 7 days), sent as an absolute expiry.
    pub access_token_ttl: Duration,
    /// Lifetime of a refresh token, sent as an absolute expiry.
    pub refresh_token_ttl: Duration,
    /// Lifetime of an auth code (TikTok: 30 minutes, single use).
    pub code_ttl: Duration,
    /// Most results a search may match (TikTok: 10,000; `12052180` beyond).
    pub result_cap: usize,
}

impl Default for ShopSandboxConfig {
    fn default() -> Self {
        Self {
            app_key: "sbx_shop_app_key".to_owned(),
            app_secret: "sbx_shop_app_secret".to_owned(),
            service_id: "sbx_shop_service_id".to_owned(),
            redirect_url: None,
            seller_name: "Sandbox Seller".to_owned(),
            shops: vec![
                FakeShop::new(
                    "7000714532876273420",
                    "Sandbox Beauty GB",
                    "GB",
                    "GBP",
                    120,
                    30,
                ),
                FakeShop::new(
                    "7000714532876273421",
                    "Sandbox Socks US",
                    "US",
                    "USD",
                    45,
                    12,
                ),
            ],
            access_token_ttl: Duration::from_secs(7 * 86_400),
            refresh_token_ttl: Duration::from_secs(365 * 86_400),
            code_ttl: Duration::from_secs(30 * 60),
            result_cap: 10_000,
        }
    }
}

/// A fake shop: its orders and products are generated from its id, so a config always serves the same data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeShop {
    /// The shop id.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `region`.
    pub region: String,
    /// The currency of every order and price.
    pub currency: String,
    /// How many orders; one every ten minutes back from the sandbox's start.
    pub order_count: u32,
    /// How many products; one every hour back from the sandbox's start.
    pub product_count: u32,
}

impl FakeShop {
    /// A `LOCAL` shop.
    pub fn new(
        id: &str,
        name: &str,
        region: &str,
        currency: &str,
        orders: u32,
        products: u32,
    ) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            region: region.to_owned(),
            currency: currency.to_owned(),
            order_count: orders,
            product_count: products,
        }
    }

    /// The shop's `cipher`, derived from its id.
    pub fn cipher(&self) -> String {
        format!("ROW_sbx{}", self.id)
    }
}

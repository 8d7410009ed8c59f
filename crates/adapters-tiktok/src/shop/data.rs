//! Signed Open API reads: authorized shops, orders search, products search. Paced per API and shop,
//! retried (reads only) with jittered backoff, each attempt signed afresh.

use async_trait::async_trait;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tiktok_domain::shop::{
    AuthorizedShop, Page, SearchQuery, ShopApiError, ShopCipher, ShopData, ShopOrder, ShopProduct,
};
use tiktok_domain::values::AccessToken;

use super::sign::request_sign;
use super::wire::{self, OrderDto, ProductDto, SearchData, ShopsData};
use super::ShopHttpClient;
use crate::retry::{with_retries, RetryPolicy};

/// `GET /authorization/202309/shops`.
pub(crate) const SHOPS_PATH: &str = "/authorization/202309/shops";
/// `POST /order/202309/orders/search`.
pub(crate) const ORDERS_PATH: &str = "/order/202309/orders/search";
/// `POST /product/202502/products/search`.
pub(crate) const PRODUCTS_PATH: &str = "/product/202502/products/search";

/// One signed request.
struct Signed<'a> {
    api: &'static str,
    method: Method,
    path: &'static str,
    token: &'a AccessToken,
    shop: Option<&'a ShopCipher>,
    params: Vec<(&'static str, String)>,
    /// The JSON body, serialized once: these bytes are signed and sent.
    body: Option<Vec<u8>>,
}

impl ShopHttpClient {
    async fn signed<T: DeserializeOwned>(&self, request: &Signed<'_>) -> Result<T, ShopApiError> {
        let policy = RetryPolicy {
            retries: self.config.read_retries,
            base: self.config.retry_base_delay,
            max_total: self.config.retry_max_total,
        };
        let shop_key = request.shop.map_or("", ShopCipher::expose);
        let attempt = || async {
            self.pacer.wait(request.api, shop_key).await;
            self.signed_once(request).await
        };
        with_retries(policy, attempt, |error, attempt, _| {
            tracing::info!(api = request.api, attempt, %error, "retrying a TikTok Shop read");
        })
        .await
    }

    async fn signed_once<T: DeserializeOwned>(
        &self,
        request: &Signed<'_>,
    ) -> Result<T, ShopApiError> {
        let mut url = self.api_base.clone();
        let path = format!("{}{}", url.path().trim_end_matches('/'), request.path);
        url.set_path(&path);
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let mut params: Vec<(&str, &str)> = vec![
            ("app_key", self.config.app_key.as_str()),
            ("timestamp", timestamp.as_str()),
        ];
        if let Some(shop) = request.shop {
            params.push(("shop_cipher", shop.expose()));
        }
        params.extend(request.params.iter().map(|(k, v)| (*k, v.as_str())));
        let body = request.body.as_deref().unwrap_or_default();
        let sign = request_sign(
            self.config.app_secret.expose_secret(),
            url.path(),
            &params,
            body,
        );
        {
            let mut query = url.query_pairs_mut();
            for (k, v) in &params {
                query.append_pair(k, v);
            }
            query.append_pair("sign", &sign);
        }
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header("x-tts-access-token", request.token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        self.call(request.api, builder).await
    }

    fn search<'a>(
        api: &'static str,
        path: &'static str,
        token: &'a AccessToken,
        shop: &'a ShopCipher,
        query: &SearchQuery,
        body: Value,
    ) -> Signed<'a> {
        let mut params = vec![("page_size", query.page_size.clamp(1, 100).to_string())];
        if api == "orders_search" {
            params.push(("sort_field", "update_time".to_owned()));
            params.push(("sort_order", "ASC".to_owned()));
        }
        if let Some(token) = &query.page_token {
            params.push(("page_token", token.clone()));
        }
        Signed {
            api,
            method: Method::POST,
            path,
            token,
            shop: Some(shop),
            params,
            body: Some(body.to_string().into_bytes()),
        }
    }
}

#[async_trait]
impl ShopData for ShopHttpClient {
    async fn authorized_shops(
        &self,
        access_token: &AccessToken,
    ) -> Result<Vec<AuthorizedShop>, ShopApiError> {
        let request = Signed {
            api: "shops",
            method: Method::GET,
            path: SHOPS_PATH,
            token: access_token,
            shop: None,
            params: Vec::new(),
            body: None,
        };
        let data: ShopsData = self.signed(&request).await?;
        Ok(data.into())
    }

    async fn search_orders(
        &self,
        access_token: &AccessToken,
        shop: &ShopCipher,
        query: &SearchQuery,
    ) -> Result<Page<ShopOrder>, ShopApiError> {
        // Orders spell the exclusive upper bound `_lt`.
        let body =
            json!({"update_time_ge": query.updated_from, "update_time_lt": query.updated_until});
        let request = Self::search(
            "orders_search",
            ORDERS_PATH,
            access_token,
            shop,
            query,
            body,
        );
        let data: SearchData<OrderDto> = self.signed(&request).await?;
        data.into_page(wire::order)
    }

    async fn search_products(
        &self,
        access_token: &AccessToken,
        shop: &ShopCipher,
        query: &SearchQuery,
    ) -> Result<Page<ShopProduct>, ShopApiError> {
        // Products spell an inclusive upper bound `_le`.
        let body = json!({"update_time_ge": query.updated_from, "update_time_le": query.updated_until - 1});
        let request = Self::search(
            "products_search",
            PRODUCTS_PATH,
            access_token,
            shop,
            query,
            body,
        );
        let data: SearchData<ProductDto> = self.signed(&request).await?;
        data.into_page(wire::product)
    }
}

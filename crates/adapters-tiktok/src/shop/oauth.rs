//! Seller authorization: the authorize link, token get and refresh (plain GETs carrying the app secret in
//! their query: never logged, never retried).

use async_trait::async_trait;
use secrecy::ExposeSecret;
use tiktok_domain::shop::{ShopApiError, ShopGrant, ShopOAuth};
use tiktok_domain::values::{AuthorizationCode, OAuthState, RefreshToken};

use super::wire::TokenData;
use super::ShopHttpClient;

#[async_trait]
impl ShopOAuth for ShopHttpClient {
    fn authorization_url(&self, state: &OAuthState) -> String {
        let mut url = self.authorize.clone();
        url.query_pairs_mut()
            .append_pair("service_id", &self.config.service_id)
            .append_pair("state", state.as_str());
        url.into()
    }

    async fn exchange_code(&self, code: &AuthorizationCode) -> Result<ShopGrant, ShopApiError> {
        let mut url = self.token_get.clone();
        url.query_pairs_mut()
            .append_pair("app_key", &self.config.app_key)
            .append_pair("app_secret", self.config.app_secret.expose_secret())
            .append_pair("auth_code", code.expose())
            .append_pair("grant_type", "authorized_code");
        let data: TokenData = self.call("token_get", self.http.get(url)).await?;
        data.try_into()
    }

    async fn refresh(&self, refresh_token: &RefreshToken) -> Result<ShopGrant, ShopApiError> {
        let mut url = self.token_refresh.clone();
        url.query_pairs_mut()
            .append_pair("app_key", &self.config.app_key)
            .append_pair("app_secret", self.config.app_secret.expose_secret())
            .append_pair("refresh_token", refresh_token.expose())
            .append_pair("grant_type", "refresh_token");
        let data: TokenData = self.call("token_refresh", self.http.get(url)).await?;
        data.try_into()
    }
}

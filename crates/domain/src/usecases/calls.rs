//! Counting the TikTok calls a request makes, so that callers' budgets charge what a request really spent
//! (one sync may list hundreds of pages).
//!
//! [`AccountService::new`](super::AccountService::new) wraps the TikTok ports in [`Counted`]: each call
//! adds one to the count of the [`metered`] scope it runs in (none outside a scope). A sync that other
//! requests share runs in a scope of its own and hands its count to the request that started it, so that a
//! call is charged to exactly one request.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::ports::{
    AuthorizationRequest, OAuthError, TikTokApiError, TikTokData, TikTokOAuth, TokenGrant,
    UserInfo, VideoPage,
};
use crate::values::{
    AccessToken, AuthorizationCode, CodeVerifier, RedirectUri, RefreshToken, Scopes,
};

tokio::task_local! {
    static CALLS: Cell<u32>;
}

/// A use case's answer with the number of TikTok requests made for it (token endpoint and Display API;
/// the adapter's own retries of a failed read are not counted apart).
#[derive(Debug)]
pub struct Metered<T> {
    /// The answer.
    pub value: T,
    /// TikTok requests made for this call.
    pub tiktok_calls: u32,
}

/// Runs `work`, counting the TikTok calls made within it.
pub(super) async fn metered<T>(work: impl Future<Output = T>) -> Metered<T> {
    CALLS
        .scope(Cell::new(0), async {
            let value = work.await;
            Metered {
                value,
                tiktok_calls: CALLS.with(Cell::get),
            }
        })
        .await
}

/// Adds `n` calls to the current scope's count, if any.
pub(super) fn charge(n: u32) {
    // Outside a scope (background work) nothing is counted.
    let _ = CALLS.try_with(|calls| calls.set(calls.get().saturating_add(n)));
}

/// A TikTok port that counts each call in the current scope.
pub(super) struct Counted<P: ?Sized>(pub(super) Arc<P>);

#[async_trait]
impl TikTokData for Counted<dyn TikTokData> {
    async fn user_info(
        &self,
        access_token: &AccessToken,
        granted: &Scopes,
    ) -> Result<UserInfo, TikTokApiError> {
        charge(1);
        self.0.user_info(access_token, granted).await
    }

    async fn list_videos(
        &self,
        access_token: &AccessToken,
        cursor: Option<i64>,
        max_count: u8,
    ) -> Result<VideoPage, TikTokApiError> {
        charge(1);
        self.0.list_videos(access_token, cursor, max_count).await
    }
}

#[async_trait]
impl TikTokOAuth for Counted<dyn TikTokOAuth> {
    fn authorization_url(&self, request: &AuthorizationRequest) -> String {
        self.0.authorization_url(request)
    }

    async fn exchange_code(
        &self,
        code: &AuthorizationCode,
        redirect_uri: &RedirectUri,
        code_verifier: Option<CodeVerifier>,
    ) -> Result<TokenGrant, OAuthError> {
        charge(1);
        self.0
            .exchange_code(code, redirect_uri, code_verifier)
            .await
    }

    async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenGrant, OAuthError> {
        charge(1);
        self.0.refresh(refresh_token).await
    }

    async fn revoke(&self, access_token: &AccessToken) -> Result<(), OAuthError> {
        charge(1);
        self.0.revoke(access_token).await
    }
}

//! Sync of a seller: a fresh token (refreshed before expiry, and once more on `105002`), the shops re-listed,
//! each shop's orders and products fetched incrementally by `update_time`, and the figures recomputed.

use std::sync::Arc;

use chrono::Duration;

use super::{
    compute, fetch_window, ShopApiError, ShopConnection, ShopData, ShopOAuth, ShopRepository,
};
use crate::ports::{Clock, RepositoryError};
use crate::values::{AccessToken, UserId};

/// Why a sync stopped.
#[derive(Debug, thiserror::Error)]
pub enum ShopSyncError {
    /// No seller is connected for this user.
    #[error("no TikTok Shop seller is connected")]
    NotConnected,
    /// The refresh token expired, or TikTok says only a new authorization helps.
    #[error("the seller must authorize again")]
    ReauthRequired,
    /// TikTok Shop failed otherwise.
    #[error(transparent)]
    TikTok(ShopApiError),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] RepositoryError),
    /// A revenue sum overflowed (not a real shop).
    #[error("a revenue sum overflowed")]
    Overflow,
}

impl From<ShopApiError> for ShopSyncError {
    fn from(error: ShopApiError) -> Self {
        match error {
            ShopApiError::ReauthRequired { .. } => ShopSyncError::ReauthRequired,
            other => ShopSyncError::TikTok(other),
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopSyncReport {
    /// Shops synced.
    pub shops: usize,
    /// Orders fetched (new or changed).
    pub orders: usize,
    /// Products fetched (new or changed).
    pub products: usize,
}

/// The sync use case.
pub struct ShopSync {
    /// TikTok Shop's token endpoint.
    pub oauth: Arc<dyn ShopOAuth>,
    /// TikTok Shop's data APIs.
    pub data: Arc<dyn ShopData>,
    /// Storage.
    pub repo: Arc<dyn ShopRepository>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// How far back the first sync reads (e.g. 90 days).
    pub first_window: Duration,
    /// How far before the cursor each incremental sync starts again (late updates).
    pub overlap: Duration,
    /// Refresh when the access token has less than this left.
    pub refresh_margin: Duration,
}

impl ShopSync {
    /// Syncs every shop of the user's seller connection.
    pub async fn sync(&self, user: &UserId) -> Result<ShopSyncReport, ShopSyncError> {
        let mut connection = self
            .repo
            .connection(user)
            .await?
            .ok_or(ShopSyncError::NotConnected)?;
        if connection.access_expires_at - self.clock.now() < self.refresh_margin {
            self.refresh(&mut connection).await?;
        }
        let shops = match self.data.authorized_shops(&connection.access_token).await {
            Err(ShopApiError::AccessTokenExpired) => {
                self.refresh(&mut connection).await?;
                self.data.authorized_shops(&connection.access_token).await?
            }
            other => other?,
        };
        self.repo.save_shops(user, &shops).await?;
        let mut report = ShopSyncReport::default();
        for shop in shops {
            let stored = connection.shops.iter().find(|s| s.shop.id == shop.id);
            let cursors = (
                stored.and_then(|s| s.orders_synced_until),
                stored.and_then(|s| s.products_synced_until),
            );
            let token = connection.access_token.clone();
            let counts = match self.sync_shop(user, &token, &shop, cursors).await {
                Err(ShopSyncError::TikTok(ShopApiError::AccessTokenExpired)) => {
                    self.refresh(&mut connection).await?;
                    self.sync_shop(user, &connection.access_token, &shop, cursors)
                        .await?
                }
                other => other?,
            };
            report.shops += 1;
            report.orders += counts.0;
            report.products += counts.1;
        }
        Ok(report)
    }

    async fn refresh(&self, connection: &mut ShopConnection) -> Result<(), ShopSyncError> {
        if connection.refresh_expires_at <= self.clock.now() {
            return Err(ShopSyncError::ReauthRequired);
        }
        let grant = self.oauth.refresh(&connection.refresh_token).await?;
        self.repo.save_grant(&connection.user_id, &grant).await?;
        connection.access_token = grant.access_token;
        connection.access_expires_at = grant.access_expires_at;
        connection.refresh_token = grant.refresh_token;
        connection.refresh_expires_at = grant.refresh_expires_at;
        Ok(())
    }

    async fn sync_shop(
        &self,
        user: &UserId,
        token: &AccessToken,
        shop: &super::AuthorizedShop,
        (orders_cursor, products_cursor): (Option<i64>, Option<i64>),
    ) -> Result<(usize, usize), ShopSyncError> {
        let now = self.clock.now();
        let until = now.timestamp() + 1;
        let start = |cursor: Option<i64>| {
            cursor.map_or((now - self.first_window).timestamp(), |c| {
                c - self.overlap.num_seconds()
            })
        };
        let orders = fetch_window(start(orders_cursor), until, |q| async move {
            self.data.search_orders(token, &shop.cipher, &q).await
        })
        .await?;
        self.repo
            .save_orders(user, &shop.id, &orders, until)
            .await?;
        let products = fetch_window(start(products_cursor), until, |q| async move {
            self.data.search_products(token, &shop.cipher, &q).await
        })
        .await?;
        self.repo
            .save_products(user, &shop.id, &products, until)
            .await?;
        let recent = self
            .repo
            .orders_created_since(user, &shop.id, now - Duration::days(30))
            .await?;
        let figures = compute(&recent, now).ok_or(ShopSyncError::Overflow)?;
        self.repo
            .save_figures(user, &shop.id, &figures, now)
            .await?;
        Ok((orders.len(), products.len()))
    }
}

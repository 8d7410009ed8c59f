//! Sync of a seller: a fresh token (from [`ShopTokens`]: refreshed before expiry, and once more on
//! `105002`), the shops re-listed, each shop's orders and products fetched incrementally by `update_time`,
//! and the figures recomputed and kept. Every write is fenced by the connection's generation.

use std::sync::Arc;

use chrono::Duration;

use super::sealing::seal_shops;
use super::{
    compute, fetch_window, AuthorizedShop, FreshShopToken, ShopApiError, ShopConnections, ShopData,
    ShopError, ShopFigures, ShopStore, ShopTokens, StoredShop, TokenNeed,
};
use crate::ports::{Clock, TokenCipher};
use crate::values::UserId;

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
    /// Fresh tokens.
    pub tokens: ShopTokens,
    /// TikTok Shop's data APIs.
    pub data: Arc<dyn ShopData>,
    /// The connection (shops, last sync).
    pub connections: Arc<dyn ShopConnections>,
    /// The synced data.
    pub store: Arc<dyn ShopStore>,
    /// Seals the shops' ciphers.
    pub cipher: Arc<dyn TokenCipher>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// How far back the first sync reads (e.g. 90 days).
    pub first_window: Duration,
    /// How far before the cursor each incremental sync starts again (late updates).
    pub overlap: Duration,
}

impl ShopSync {
    /// Syncs every authorized shop of the user's seller connection.
    ///
    /// A data call answering that only a new authorization helps (`105001`, …) marks the connection
    /// `reauth_required`.
    pub async fn sync(&self, user: &UserId) -> Result<ShopSyncReport, ShopError> {
        let fresh = self.tokens.fresh(user, TokenNeed::IfDue).await?;
        let refused = fresh
            .account
            .grant
            .as_ref()
            .map(|g| g.refresh_token.clone());
        match self.sync_with(user, fresh).await {
            Err(ShopError::ReauthRequired) => {
                if let Some(refused) = refused {
                    match self
                        .connections
                        .mark_reauth_required(user, &refused, self.clock.now())
                        .await
                    {
                        Ok(()) | Err(crate::ports::RepositoryError::NotFound) => {}
                        Err(error) => return Err(error.into()),
                    }
                }
                Err(ShopError::ReauthRequired)
            }
            other => other,
        }
    }

    async fn sync_with(
        &self,
        user: &UserId,
        mut fresh: FreshShopToken,
    ) -> Result<ShopSyncReport, ShopError> {
        let shops = match self.data.authorized_shops(&fresh.token).await {
            Err(ShopApiError::AccessTokenExpired) => {
                fresh = self.replace(user, &fresh).await?;
                self.data.authorized_shops(&fresh.token).await?
            }
            other => other?,
        };
        let sealed = seal_shops(self.cipher.as_ref(), user, &shops)?;
        self.connections
            .save_shops(user, &fresh.generation, &sealed)
            .await?;
        let mut report = ShopSyncReport::default();
        for shop in &shops {
            let stored = fresh
                .account
                .shops
                .iter()
                .find(|s| s.id == shop.id)
                .cloned();
            let counts = match self.sync_shop(&fresh, shop, stored.as_ref()).await {
                Err(ShopError::TikTok(ShopApiError::AccessTokenExpired)) => {
                    fresh = self.replace(user, &fresh).await?;
                    self.sync_shop(&fresh, shop, stored.as_ref()).await?
                }
                other => other?,
            };
            report.shops += 1;
            report.orders += counts.0;
            report.products += counts.1;
        }
        self.connections
            .finish_sync(user, &fresh.generation, self.clock.now())
            .await?;
        Ok(report)
    }

    async fn replace(
        &self,
        user: &UserId,
        used: &FreshShopToken,
    ) -> Result<FreshShopToken, ShopError> {
        let refused = used
            .account
            .grant
            .as_ref()
            .map(|g| g.access_token.clone())
            .ok_or(ShopError::ReauthRequired)?;
        self.tokens.fresh(user, TokenNeed::Replace(refused)).await
    }

    async fn sync_shop(
        &self,
        fresh: &FreshShopToken,
        shop: &AuthorizedShop,
        stored: Option<&StoredShop>,
    ) -> Result<(usize, usize), ShopError> {
        let (user, generation, token) = (&fresh.account.user_id, &fresh.generation, &fresh.token);
        let now = self.clock.now();
        let until = now.timestamp() + 1;
        let start = |cursor: Option<i64>| {
            cursor.map_or((now - self.first_window).timestamp(), |c| {
                c - self.overlap.num_seconds()
            })
        };
        let orders = fetch_window(
            start(stored.and_then(|s| s.orders_synced_until)),
            until,
            |q| async move { self.data.search_orders(token, &shop.cipher, &q).await },
        )
        .await?;
        self.store
            .save_orders(user, generation, &shop.id, &orders, until)
            .await?;
        let products = fetch_window(
            start(stored.and_then(|s| s.products_synced_until)),
            until,
            |q| async move { self.data.search_products(token, &shop.cipher, &q).await },
        )
        .await?;
        self.store
            .save_products(user, generation, &shop.id, &products, until)
            .await?;
        let recent = self
            .store
            .orders_created_since(user, &shop.id, now - Duration::days(30))
            .await?;
        let currencies = compute(&recent, now).ok_or(ShopError::Overflow)?;
        // Active products are counted by the store over every stored product (this sync read only changes).
        let figures = ShopFigures {
            shop_id: shop.id.clone(),
            computed_at: now,
            active_products: 0,
            currencies,
        };
        self.store.save_figures(user, generation, &figures).await?;
        Ok((orders.len(), products.len()))
    }
}

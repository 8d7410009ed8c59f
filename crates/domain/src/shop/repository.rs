//! Storage of the Shop integration: the seller's connection, shops, orders, products and figures.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{AuthorizedShop, CurrencyFigures, ShopGrant, ShopOrder, ShopProduct};
use crate::ports::RepositoryError;
use crate::values::{AccessToken, RefreshToken, UserId};

/// A seller's stored connection: the grant (tokens opened by the adapter's cipher) and the shops.
#[derive(Debug, Clone)]
pub struct ShopConnection {
    /// The product user.
    pub user_id: UserId,
    /// The access token.
    pub access_token: AccessToken,
    /// When it expires.
    pub access_expires_at: DateTime<Utc>,
    /// The refresh token.
    pub refresh_token: RefreshToken,
    /// When it expires.
    pub refresh_expires_at: DateTime<Utc>,
    /// The shops still authorized, with their sync cursors.
    pub shops: Vec<ConnectedShop>,
}

/// A shop and how far it is synced (epoch seconds of `update_time`, exclusive).
#[derive(Debug, Clone)]
pub struct ConnectedShop {
    /// The shop.
    pub shop: AuthorizedShop,
    /// Orders updated before this second are stored.
    pub orders_synced_until: Option<i64>,
    /// Products updated before this second are stored.
    pub products_synced_until: Option<i64>,
}

/// Storage of the Shop integration (SQLite or PostgreSQL behind it; tokens and ciphers sealed at rest).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ShopRepository: Send + Sync {
    /// The user's connection, if any.
    async fn connection(&self, user: &UserId) -> Result<Option<ShopConnection>, RepositoryError>;

    /// Stores a grant (a new connection or a refresh's rotated pair).
    async fn save_grant(&self, user: &UserId, grant: &ShopGrant) -> Result<(), RepositoryError>;

    /// Stores the shops TikTok lists now; stored shops missing from the list are marked gone and no
    /// longer synced.
    async fn save_shops(
        &self,
        user: &UserId,
        shops: &[AuthorizedShop],
    ) -> Result<(), RepositoryError>;

    /// Upserts orders by id (a newer `update_time` wins) and moves the shop's order cursor.
    async fn save_orders(
        &self,
        user: &UserId,
        shop_id: &str,
        orders: &[ShopOrder],
        synced_until: i64,
    ) -> Result<(), RepositoryError>;

    /// Upserts products by id and moves the shop's product cursor.
    async fn save_products(
        &self,
        user: &UserId,
        shop_id: &str,
        products: &[ShopProduct],
        synced_until: i64,
    ) -> Result<(), RepositoryError>;

    /// The shop's orders created after `since`.
    async fn orders_created_since(
        &self,
        user: &UserId,
        shop_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ShopOrder>, RepositoryError>;

    /// Replaces the shop's kept figures.
    async fn save_figures(
        &self,
        user: &UserId,
        shop_id: &str,
        figures: &[CurrencyFigures],
        computed_at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;
}

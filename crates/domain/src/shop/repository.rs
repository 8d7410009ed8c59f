//! Storage ports of the Shop integration, split by who needs them: the seller connection and its tokens
//! ([`ShopConnections`]), the synced data ([`ShopStore`]), and the webhook's seen notifications
//! ([`ShopNotifications`]). One Diesel adapter implements all three; each use case holds only the ones it
//! uses. They share storage's error enum, [`RepositoryError`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    NewShopConnection, OrderStatus, SealedShop, SealedShopGrant, ShopAccount, ShopDisconnectReason,
    ShopOrder, ShopProduct,
};
use crate::account::{ConnectionGeneration, SealedToken};
use crate::ports::{RefreshLease, RepositoryError};
use crate::values::UserId;

/// The seller connection: created by a callback, its tokens rotated under a lease shared by every replica,
/// ended by a disconnect or the seller's deauthorization, erased by a purge.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ShopConnections: Send + Sync {
    /// The user's connection (any state) with its shops, if the user ever connected and was not purged.
    async fn connection(&self, user: &UserId) -> Result<Option<ShopAccount>, RepositoryError>;

    /// The user whose active connection (connected or awaiting reauthorization) holds this shop, for
    /// webhooks (which name the shop, not the user).
    async fn user_of_shop(&self, shop_id: &str) -> Result<Option<UserId>, RepositoryError>;

    /// Stores a completed authorization (see [`NewShopConnection`]). On a reconnect to another seller
    /// (`open_id`), the previous seller's shops, orders, products and figures are erased in the same
    /// transaction.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`], writing nothing, when another user has this seller active.
    async fn save_connection(
        &self,
        connection: &NewShopConnection,
    ) -> Result<ShopAccount, RepositoryError>;

    /// Stores the shops TikTok lists now (upsert by id, ciphers replaced); stored shops missing from the
    /// list are kept but marked not authorized (no longer synced).
    ///
    /// # Errors
    /// [`RepositoryError::NotFound`], writing nothing, when the user's active connection is not of
    /// `generation`.
    async fn save_shops(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        shops: &[SealedShop],
    ) -> Result<(), RepositoryError>;

    /// Sets `last_sync_at`, fenced by `generation` like [`ShopConnections::save_shops`].
    async fn finish_sync(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Takes the refresh lease of the user's **connected** connection for `lease.owner`, provided it is
    /// free or expired at `now`, and reads the connection back under it in the same atomic step. `None`,
    /// changing nothing, when someone else holds it or the user is not connected.
    async fn try_acquire_refresh_lease(
        &self,
        user: &UserId,
        lease: &RefreshLease,
        now: DateTime<Utc>,
    ) -> Result<Option<ShopAccount>, RepositoryError>;

    /// Stores the rotated grant and frees the lease in one write, provided `lease.owner` still holds it.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`], writing nothing, when the lease is no longer the owner's
    /// or the connection is no longer connected.
    async fn save_refreshed_grant(
        &self,
        user: &UserId,
        lease: &RefreshLease,
        grant: &SealedShopGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Frees the lease if `lease.owner` still holds it; changes nothing otherwise.
    async fn release_refresh_lease(
        &self,
        user: &UserId,
        lease: &RefreshLease,
    ) -> Result<(), RepositoryError>;

    /// Erases the grant (and frees the lease) and sets `reauth_required`, provided the row still holds
    /// `refused` as its refresh token: a grant stored meanwhile is left alone.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`], writing nothing, otherwise.
    async fn mark_reauth_required(
        &self,
        user: &UserId,
        refused: &SealedToken,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Records when TikTok says the authorization expires (webhook type 7) on an active connection;
    /// changes nothing otherwise.
    async fn set_reauth_due(
        &self,
        user: &UserId,
        due: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Ends the connection: tokens and shop ciphers erased, lease freed, generation cleared, state
    /// `not_connected` with `reason`. An already ended connection is returned unchanged (its first reason
    /// kept). `None` when the user never connected.
    async fn disconnect(
        &self,
        user: &UserId,
        reason: ShopDisconnectReason,
        at: DateTime<Utc>,
    ) -> Result<Option<ShopAccount>, RepositoryError>;

    /// Erases everything stored for the user: the connection, shops, orders, products and figures.
    /// Returns whether there was a connection.
    async fn purge(&self, user: &UserId) -> Result<bool, RepositoryError>;

    /// Up to `limit` connected users whose access token expires before `before`, soonest first (for the
    /// background refresher).
    async fn due_for_refresh(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<UserId>, RepositoryError>;
}

/// An order as stored, with its shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedOrder {
    /// The shop it belongs to.
    pub shop_id: String,
    /// The order.
    pub order: ShopOrder,
}

/// A product as stored, with its shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedProduct {
    /// The shop it belongs to.
    pub shop_id: String,
    /// The product.
    pub product: ShopProduct,
}

/// Where a keyset page starts: after the item with this instant and id (newest first, then id descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    /// The sort instant of the last item of the previous page (orders: created; products: updated).
    pub at: DateTime<Utc>,
    /// Its id.
    pub id: String,
}

/// One page of stored orders or products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Only this shop's.
    pub shop_id: Option<String>,
    /// Only this status (orders: TikTok's Order API name; products: e.g. `ACTIVATE`).
    pub status: Option<String>,
    /// At most this many.
    pub limit: u32,
    /// After this item.
    pub after: Option<Keyset>,
}

/// The figures a sync kept for one shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopFigures {
    /// The shop.
    pub shop_id: String,
    /// When they were computed.
    pub computed_at: DateTime<Utc>,
    /// Products whose status is `ACTIVATE`.
    pub active_products: u64,
    /// Per currency.
    pub currencies: Vec<super::CurrencyFigures>,
}

/// The synced data: orders, products and the figures kept per shop and currency.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ShopStore: Send + Sync {
    /// Upserts orders by id (a row whose stored `update_time` is newer is kept) and moves the shop's order
    /// cursor to `synced_until`, in one transaction fenced by `generation` ([`RepositoryError::NotFound`]
    /// when the connection ended).
    async fn save_orders(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        shop_id: &str,
        orders: &[ShopOrder],
        synced_until: i64,
    ) -> Result<(), RepositoryError>;

    /// Upserts products by id (newer `update_time` kept) and moves the product cursor; fenced likewise.
    async fn save_products(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
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

    /// Replaces the shop's kept figures; fenced likewise. `figures.active_products` is not taken from the
    /// caller: the store counts the shop's stored products whose status is `ACTIVATE` in the same write.
    async fn save_figures(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        figures: &ShopFigures,
    ) -> Result<(), RepositoryError>;

    /// Sets a stored order's status from a webhook, unless the stored `update_time` is later than
    /// `updated_at`. Returns whether the order was changed.
    async fn update_order_status(
        &self,
        user: &UserId,
        shop_id: &str,
        order_id: &str,
        status: OrderStatus,
        updated_at: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// A keyset page of orders, newest created first.
    async fn orders_page(
        &self,
        user: &UserId,
        query: &PageQuery,
    ) -> Result<Vec<ListedOrder>, RepositoryError>;

    /// A keyset page of products, latest updated first.
    async fn products_page(
        &self,
        user: &UserId,
        query: &PageQuery,
    ) -> Result<Vec<ListedProduct>, RepositoryError>;

    /// The kept figures of every shop of the user (or of one), in at most two statements whatever the
    /// number of orders.
    async fn figures(
        &self,
        user: &UserId,
        shop_id: Option<String>,
    ) -> Result<Vec<ShopFigures>, RepositoryError>;
}

/// The webhook notifications already handled, by `tts_notification_id`.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ShopNotifications: Send + Sync {
    /// Records the id; `true` if it was new (handle it), `false` if already seen (a retry). Atomic: of
    /// concurrent claims of one id, one gets `true`.
    async fn claim(
        &self,
        notification_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Forgets an id whose handling failed, so that TikTok's retry is handled.
    async fn release(&self, notification_id: &str) -> Result<(), RepositoryError>;

    /// Forgets ids seen before `before` (TikTok retries for 12 hours); returns how many.
    async fn forget_before(&self, before: DateTime<Utc>) -> Result<u64, RepositoryError>;
}

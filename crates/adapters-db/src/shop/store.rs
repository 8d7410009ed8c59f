//! [`DieselShopStore`]: the domain's `ShopStore` on Diesel (`tiktok_shop_orders`, `tiktok_shop_products`,
//! `tiktok_shop_figures`, and the cursors and figures' header of `tiktok_shop_shops`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tiktok_domain::ports::RepositoryError;
use tiktok_domain::shop::{
    ListedOrder, ListedProduct, OrderStatus, PageQuery, ShopFigures, ShopOrder, ShopProduct,
    ShopStore,
};
use tiktok_domain::{ConnectionGeneration, UserId};

use super::fence::hold_connection;
use super::{figures, orders, products};
use crate::connection::write_transaction;
use crate::Database;

/// Stores what Shop syncs fetch and serves it back by keyset pages; every sync write is fenced by the
/// connection's generation (nothing lands after a disconnect, purge or reconnect).
#[derive(Debug, Clone)]
pub struct DieselShopStore {
    db: Database,
}

impl DieselShopStore {
    /// The store on this database (migrations must have run).
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ShopStore for DieselShopStore {
    async fn save_orders(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        shop_id: &str,
        listed: &[ShopOrder],
        synced_until: i64,
    ) -> Result<(), RepositoryError> {
        let (user, generation) = (user.as_str().to_owned(), generation.as_str().to_owned());
        let (shop, listed) = (shop_id.to_owned(), listed.to_vec());
        let saved = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                orders::save(tx, &user, &shop, &listed, synced_until)
            })
        });
        Ok(saved.await?)
    }

    async fn save_products(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        shop_id: &str,
        listed: &[ShopProduct],
        synced_until: i64,
    ) -> Result<(), RepositoryError> {
        let (user, generation) = (user.as_str().to_owned(), generation.as_str().to_owned());
        let (shop, listed) = (shop_id.to_owned(), listed.to_vec());
        let saved = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                products::save(tx, &user, &shop, &listed, synced_until)
            })
        });
        Ok(saved.await?)
    }

    async fn orders_created_since(
        &self,
        user: &UserId,
        shop_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ShopOrder>, RepositoryError> {
        let (user, shop) = (user.as_str().to_owned(), shop_id.to_owned());
        let found = self
            .db
            .run(move |conn| orders::created_since(conn, &user, &shop, since));
        Ok(found.await?)
    }

    async fn save_figures(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        kept: &ShopFigures,
    ) -> Result<(), RepositoryError> {
        let (user, generation) = (user.as_str().to_owned(), generation.as_str().to_owned());
        let kept = kept.clone();
        let saved = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                figures::save(tx, &user, &kept)
            })
        });
        Ok(saved.await?)
    }

    async fn update_order_status(
        &self,
        user: &UserId,
        shop_id: &str,
        order_id: &str,
        status: OrderStatus,
        updated_at: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        let (user, shop, order) = (
            user.as_str().to_owned(),
            shop_id.to_owned(),
            order_id.to_owned(),
        );
        let changed = self
            .db
            .run(move |conn| orders::update_status(conn, &user, &shop, &order, status, updated_at));
        Ok(changed.await?)
    }

    async fn orders_page(
        &self,
        user: &UserId,
        query: &PageQuery,
    ) -> Result<Vec<ListedOrder>, RepositoryError> {
        let (user, query) = (user.as_str().to_owned(), query.clone());
        let page = self.db.run(move |conn| orders::page(conn, &user, &query));
        Ok(page.await?)
    }

    async fn products_page(
        &self,
        user: &UserId,
        query: &PageQuery,
    ) -> Result<Vec<ListedProduct>, RepositoryError> {
        let (user, query) = (user.as_str().to_owned(), query.clone());
        let page = self.db.run(move |conn| products::page(conn, &user, &query));
        Ok(page.await?)
    }

    async fn figures(
        &self,
        user: &UserId,
        shop_id: Option<String>,
    ) -> Result<Vec<ShopFigures>, RepositoryError> {
        let user = user.as_str().to_owned();
        let kept = self.db.run(move |conn| figures::read(conn, &user, shop_id));
        Ok(kept.await?)
    }
}

//! [`DieselShopConnections`]: the domain's `ShopConnections` on Diesel (`tiktok_shop_connections` and the
//! shops of `tiktok_shop_shops`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tiktok_domain::ports::{RefreshLease, RepositoryError};
use tiktok_domain::shop::{
    NewShopConnection, SealedShop, SealedShopGrant, ShopAccount, ShopConnectionState,
    ShopConnections, ShopDisconnectReason,
};
use tiktok_domain::{ConnectionGeneration, SealedToken, UserId};

use super::connect::save_connection_once;
use super::fence::hold_connection;
use super::models::corrupt;
use super::shops::{load_account, replace_shops};
use super::{erase, lease};
use crate::connection::write_transaction;
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};
use crate::schema::tiktok_shop_shops::{self as s, table as shops};
use crate::Database;

/// How often `save_connection` retries when a concurrent first connection of the same user won the race.
const SAVE_ATTEMPTS: u32 = 3;

/// Stores Shop seller connections, one row per product user, with their shops.
#[derive(Debug, Clone)]
pub struct DieselShopConnections {
    db: Database,
}

impl DieselShopConnections {
    /// The store on this database (migrations must have run).
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn to_user(raw: String) -> Result<UserId, QueryFailure> {
    Ok(UserId::parse(&raw).map_err(|e| corrupt("user_id", e))?)
}

#[async_trait]
impl ShopConnections for DieselShopConnections {
    async fn connection(&self, user: &UserId) -> Result<Option<ShopAccount>, RepositoryError> {
        let user = user.as_str().to_owned();
        // One transaction, so that the row and its shops are read together.
        let found = self
            .db
            .run(move |conn| conn.transaction(|tx| load_account(tx, &user)));
        Ok(found.await?)
    }

    async fn user_of_shop(&self, shop_id: &str) -> Result<Option<UserId>, RepositoryError> {
        let shop_id = shop_id.to_owned();
        let found = self.db.run(move |conn| {
            let user = shops
                .inner_join(connections.on(c::user_id.eq(s::user_id)))
                .filter(s::shop_id.eq(shop_id))
                .filter(c::status.ne(ShopConnectionState::NotConnected.as_str()))
                .order(s::authorized.desc())
                .select(s::user_id)
                .first::<String>(conn)
                .optional()?;
            user.map(to_user).transpose()
        });
        Ok(found.await?)
    }

    async fn save_connection(
        &self,
        connection: &NewShopConnection,
    ) -> Result<ShopAccount, RepositoryError> {
        let new = connection.clone();
        let saved = self.db.run(move |conn| {
            let mut attempt = 1;
            loop {
                match write_transaction(conn, |tx| save_connection_once(tx, &new)) {
                    // The user's row was created concurrently: the next attempt updates it.
                    Err(QueryFailure::Diesel(DieselError::DatabaseError(
                        DatabaseErrorKind::UniqueViolation,
                        _,
                    ))) if attempt < SAVE_ATTEMPTS => attempt += 1,
                    other => return other,
                }
            }
        });
        Ok(saved.await?)
    }

    async fn save_shops(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        listed: &[SealedShop],
    ) -> Result<(), RepositoryError> {
        let (user, generation) = (user.as_str().to_owned(), generation.as_str().to_owned());
        let listed = listed.to_vec();
        let saved = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                replace_shops(tx, &user, &listed, Utc::now())
            })
        });
        Ok(saved.await?)
    }

    async fn finish_sync(
        &self,
        user: &UserId,
        generation: &ConnectionGeneration,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let (user, generation) = (user.as_str().to_owned(), generation.as_str().to_owned());
        let done = self.db.run(move |conn| {
            let changed = diesel::update(connections.filter(c::user_id.eq(user)))
                .filter(c::connection_generation.eq(generation))
                .set((c::last_sync_at.eq(naive(at)), c::updated_at.eq(naive(at))))
                .execute(conn)?;
            if changed == 0 {
                return Err(QueryFailure::NotFound);
            }
            Ok(())
        });
        Ok(done.await?)
    }

    async fn try_acquire_refresh_lease(
        &self,
        user: &UserId,
        lease: &RefreshLease,
        now: DateTime<Utc>,
    ) -> Result<Option<ShopAccount>, RepositoryError> {
        let (user, lease) = (user.as_str().to_owned(), lease.clone());
        let taken = self
            .db
            .run(move |conn| lease::try_acquire(conn, &user, &lease, now));
        Ok(taken.await?)
    }

    async fn save_refreshed_grant(
        &self,
        user: &UserId,
        lease: &RefreshLease,
        grant: &SealedShopGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let (user, owner, grant) = (user.as_str().to_owned(), lease.owner.clone(), grant.clone());
        let saved = self
            .db
            .run(move |conn| lease::save_refreshed_grant(conn, &user, &owner, &grant, at));
        Ok(saved.await?)
    }

    async fn release_refresh_lease(
        &self,
        user: &UserId,
        lease: &RefreshLease,
    ) -> Result<(), RepositoryError> {
        let (user, owner) = (user.as_str().to_owned(), lease.owner.clone());
        let released = self.db.run(move |conn| lease::release(conn, &user, &owner));
        Ok(released.await?)
    }

    async fn mark_reauth_required(
        &self,
        user: &UserId,
        refused: &SealedToken,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let (user, refused) = (user.as_str().to_owned(), refused.clone());
        let marked = self
            .db
            .run(move |conn| lease::mark_reauth_required(conn, &user, &refused, at));
        Ok(marked.await?)
    }

    async fn set_reauth_due(
        &self,
        user: &UserId,
        due: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let user = user.as_str().to_owned();
        let set = self.db.run(move |conn| {
            diesel::update(connections.filter(c::user_id.eq(user)))
                .filter(c::status.ne(ShopConnectionState::NotConnected.as_str()))
                .set((c::reauth_due_at.eq(naive(due)), c::updated_at.eq(naive(at))))
                .execute(conn)?;
            Ok(())
        });
        Ok(set.await?)
    }

    async fn disconnect(
        &self,
        user: &UserId,
        reason: ShopDisconnectReason,
        at: DateTime<Utc>,
    ) -> Result<Option<ShopAccount>, RepositoryError> {
        let user = user.as_str().to_owned();
        let ended = self
            .db
            .run(move |conn| erase::disconnect(conn, &user, reason, at));
        Ok(ended.await?)
    }

    async fn purge(&self, user: &UserId) -> Result<bool, RepositoryError> {
        let user = user.as_str().to_owned();
        let purged = self.db.run(move |conn| erase::purge(conn, &user));
        Ok(purged.await?)
    }

    /// Index-backed: only connected rows hold an expiry (`tiktok_shop_connections_access_expiry_idx`).
    async fn due_for_refresh(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let due = self.db.run(move |conn| {
            let users = connections
                .filter(c::access_token_expires_at.lt(naive(before)))
                .filter(c::status.eq(ShopConnectionState::Connected.as_str()))
                .order((c::access_token_expires_at.asc(), c::user_id.asc()))
                .limit(i64::from(limit))
                .select(c::user_id)
                .load::<String>(conn)?;
            users.into_iter().map(to_user).collect()
        });
        Ok(due.await?)
    }
}

//! [`ShopNotifications`] on Diesel: one row per handled `tts_notification_id`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::ports::RepositoryError;
use tiktok_domain::shop::ShopNotifications;

use crate::connection::AnyConnection;
use crate::content_videos::on_inner;
use crate::models::naive;
use crate::schema::tiktok_shop_notifications::{self as n, table as notifications};
use crate::Database;

/// The seen notification ids in `tiktok_shop_notifications`, shared by every replica.
#[derive(Debug, Clone)]
pub struct DieselShopNotifications {
    db: Database,
}

impl DieselShopNotifications {
    /// The store on this database (migrations must have run).
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ShopNotifications for DieselShopNotifications {
    /// `INSERT … ON CONFLICT DO NOTHING`: one statement, so of concurrent claims exactly one inserts.
    async fn claim(
        &self,
        notification_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        let (id, at) = (notification_id.to_owned(), naive(at));
        let inserted = self.db.run(move |conn| {
            let rows = on_inner!(conn, c => diesel::insert_into(notifications)
                .values((n::notification_id.eq(&id), n::received_at.eq(at)))
                .on_conflict_do_nothing()
                .execute(c))?;
            Ok(rows == 1)
        });
        Ok(inserted.await?)
    }

    async fn release(&self, notification_id: &str) -> Result<(), RepositoryError> {
        let id = notification_id.to_owned();
        let done = self.db.run(move |conn| {
            diesel::delete(notifications.filter(n::notification_id.eq(id))).execute(conn)?;
            Ok(())
        });
        Ok(done.await?)
    }

    async fn forget_before(&self, before: DateTime<Utc>) -> Result<u64, RepositoryError> {
        let before = naive(before);
        let deleted = self.db.run(move |conn| {
            Ok(diesel::delete(notifications.filter(n::received_at.lt(before))).execute(conn)?)
        });
        Ok(u64::try_from(deleted.await?).unwrap_or(u64::MAX))
    }
}

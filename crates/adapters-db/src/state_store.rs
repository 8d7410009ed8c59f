//! [`DieselOAuthStateStore`]: the domain's `OAuthStateStore` on Diesel.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::ports::{OAuthStateStore, PendingAuthorization, StateStoreError};
use tiktok_domain::UserId;

use crate::models::{naive, StateRow};
use crate::schema::oauth_states::{self as s, table as states};
use crate::Database;

/// Keeps pending OAuth authorizations in the `oauth_states` table, shared by every replica.
#[derive(Debug, Clone)]
pub struct DieselOAuthStateStore {
    db: Database,
}

impl DieselOAuthStateStore {
    /// A store on this database (migrations must have run).
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl OAuthStateStore for DieselOAuthStateStore {
    async fn put(&self, pending: &PendingAuthorization) -> Result<(), StateStoreError> {
        let row = StateRow::new(pending, Utc::now());
        let stored = self.db.run(move |conn| {
            diesel::insert_into(states).values(row).execute(conn)?;
            Ok(())
        });
        Ok(stored.await?)
    }

    /// `DELETE … WHERE fingerprint AND user RETURNING`: one statement, so of two concurrent takes only one
    /// sees the row, and another user's take neither sees nor deletes it.
    async fn take(
        &self,
        state_fingerprint: &str,
        user_id: &UserId,
    ) -> Result<Option<PendingAuthorization>, StateStoreError> {
        let (fingerprint, user) = (state_fingerprint.to_owned(), user_id.as_str().to_owned());
        let taken = self.db.run(move |conn| {
            let own = states
                .filter(s::state_fingerprint.eq(fingerprint))
                .filter(s::user_id.eq(user));
            let row = diesel::delete(own)
                .returning(s::all_columns)
                .get_result::<StateRow>(conn)
                .optional()?;
            Ok(row.map(PendingAuthorization::try_from).transpose()?)
        });
        Ok(taken.await?)
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StateStoreError> {
        let purged = self.db.run(move |conn| {
            let deleted =
                diesel::delete(states.filter(s::expires_at.lt(naive(now)))).execute(conn)?;
            Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
        });
        Ok(purged.await?)
    }
}

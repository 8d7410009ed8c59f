//! [`AccountDirectory`] on Diesel: counts by status (one `GROUP BY`) and keyset pages by user id. Token
//! columns are never selected.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tiktok_domain::ports::{AccountDirectory, AccountListing, RepositoryError};
use tiktok_domain::{ConnectionState, UserId};

use crate::errors::QueryFailure;
use crate::schema::tiktok_accounts::{self as a, table as accounts};
use crate::DieselAccountRepository;

type ListingRow = (String, Option<String>, NaiveDateTime, Option<NaiveDateTime>);

#[async_trait]
impl AccountDirectory for DieselAccountRepository {
    async fn count_by_state(&self) -> Result<Vec<(ConnectionState, u64)>, RepositoryError> {
        let rows = self.db().run(move |conn| {
            let rows: Vec<(String, i64)> = accounts
                .group_by(a::status)
                .select((a::status, diesel::dsl::count_star()))
                .load(conn)?;
            Ok::<_, QueryFailure>(rows)
        });
        Ok(rows
            .await?
            .into_iter()
            .filter_map(|(status, n)| {
                let state = ConnectionState::parse(&status);
                if state.is_none() {
                    tracing::warn!(
                        status,
                        "accounts with an unknown status left out of the counts"
                    );
                }
                Some((state?, u64::try_from(n).unwrap_or(0)))
            })
            .collect())
    }

    async fn list_by_state(
        &self,
        state: ConnectionState,
        after: Option<UserId>,
        limit: u32,
    ) -> Result<Vec<AccountListing>, RepositoryError> {
        let status = state.as_str();
        let after = after.map(|u| u.as_str().to_owned());
        let rows = self.db().run(move |conn| {
            let mut query = accounts
                .select((a::user_id, a::username, a::updated_at, a::last_sync_at))
                .filter(a::status.eq(status))
                .order(a::user_id.asc())
                .limit(i64::from(limit))
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(a::user_id.gt(after));
            }
            let rows: Vec<ListingRow> = query.load(conn)?;
            Ok::<_, QueryFailure>(rows)
        });
        Ok(rows
            .await?
            .into_iter()
            .filter_map(|(user, username, updated_at, last_sync_at)| {
                Some(AccountListing {
                    user_id: UserId::parse(&user).ok()?,
                    username,
                    state,
                    updated_at: updated_at.and_utc(),
                    last_sync_at: last_sync_at.map(|t| t.and_utc()),
                })
            })
            .collect())
    }
}

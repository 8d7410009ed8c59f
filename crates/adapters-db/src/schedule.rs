//! [`AccountSchedule`] on Diesel: due accounts, and sync claims taken with a conditional `UPDATE`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::Timestamp;
use tiktok_domain::events::Event;
use tiktok_domain::ports::{AccountSchedule, ReauthWarning, RepositoryError};
use tiktok_domain::{ConnectionState, UserId};

use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::account_schedule::{self as s, table as schedule};
use crate::sync_lease;
use crate::DieselAccountRepository;

/// When an account's sync became due: when its last claim expired, or, never claimed, when it connected.
/// The expression of `tiktok_accounts_sync_due_idx` (same text, so that both databases use the index for
/// the claims and the backlog count, in this order, stopping at the limit).
fn due_since() -> SqlLiteral<Timestamp> {
    sql::<Timestamp>("COALESCE(sync_claimed_until, connected_at)")
}

fn user_ids(raw: Vec<String>) -> Vec<UserId> {
    raw.into_iter()
        .filter_map(|u| match UserId::parse(&u) {
            Ok(user) => Some(user),
            Err(_) => {
                tracing::warn!(
                    "an account row holds an unreadable user_id; left out of background work"
                );
                None
            }
        })
        .collect()
}

#[async_trait]
impl AccountSchedule for DieselAccountRepository {
    /// Candidates are read first, the longest due first (so that a round longer than the interval still
    /// reaches every account before any is synced twice), then each is taken with `UPDATE … WHERE id = ? AND <claim free>
    /// RETURNING user_id`: on PostgreSQL a concurrent claimer waits for the row lock and then finds the
    /// claim taken; on SQLite writes are serialized. Either way one claimer wins each account.
    async fn claim_for_sync(
        &self,
        replica: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let (replica, now, until) = (replica.to_owned(), naive(now), naive(until));
        let connected = ConnectionState::Connected.as_str();
        let claimed = self.db().run(move |conn| {
            let candidates: Vec<i64> = schedule
                .select(s::id)
                .filter(s::status.eq(connected))
                .filter(due_since().le(now))
                .order((due_since().asc(), s::id.asc()))
                .limit(i64::from(limit))
                .load(conn)?;
            let mut claimed = Vec::with_capacity(candidates.len());
            for id in candidates {
                let won: Option<String> = diesel::update(
                    schedule
                        .filter(s::id.eq(id))
                        .filter(s::status.eq(connected))
                        .filter(due_since().le(now)),
                )
                .set((
                    s::sync_claimed_until.eq(until),
                    s::sync_claimed_by.eq(&replica),
                ))
                .returning(s::user_id)
                .get_result(conn)
                .optional()?;
                claimed.extend(won);
            }
            Ok::<_, QueryFailure>(claimed)
        });
        Ok(user_ids(claimed.await?))
    }

    async fn sync_backlog(&self, due_before: DateTime<Utc>) -> Result<u64, RepositoryError> {
        let due_before = naive(due_before);
        let connected = ConnectionState::Connected.as_str();
        let count = self.db().run(move |conn| {
            let n: i64 = schedule
                .filter(s::status.eq(connected))
                .filter(due_since().le(due_before))
                .count()
                .get_result(conn)?;
            Ok::<_, QueryFailure>(n)
        });
        Ok(u64::try_from(count.await?).unwrap_or(0))
    }

    async fn due_for_reauth_warning(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReauthWarning>, RepositoryError> {
        let due = self
            .db()
            .run(move |conn| crate::reauth_warning::due(conn, now, until, limit));
        Ok(due.await?)
    }

    async fn record_reauth_warning(
        &self,
        warning: &ReauthWarning,
        event: &Event,
    ) -> Result<bool, RepositoryError> {
        let (warning, event) = (warning.clone(), event.clone());
        let recorded = self
            .db()
            .run(move |conn| crate::reauth_warning::record(conn, &warning, &event));
        Ok(recorded.await?)
    }

    async fn due_for_refresh(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<UserId>, RepositoryError> {
        let before = naive(before);
        let connected = ConnectionState::Connected.as_str();
        let due = self.db().run(move |conn| {
            let rows: Vec<String> = schedule
                .select(s::user_id)
                .filter(s::status.eq(connected))
                .filter(s::access_token_expires_at.lt(before))
                .order(s::access_token_expires_at.asc())
                .limit(i64::from(limit))
                .load(conn)?;
            Ok::<_, QueryFailure>(rows)
        });
        Ok(user_ids(due.await?))
    }

    async fn try_acquire_sync_lease(
        &self,
        user_id: &UserId,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        Ok(sync_lease::try_acquire(self.db(), user_id, owner, now, until).await?)
    }

    async fn sync_lease_held(
        &self,
        user_id: &UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        Ok(sync_lease::held(self.db(), user_id, now).await?)
    }

    async fn release_sync_lease(
        &self,
        user_id: &UserId,
        owner: &str,
    ) -> Result<(), RepositoryError> {
        Ok(sync_lease::release(self.db(), user_id, owner).await?)
    }
}

//! Background work: renewing access tokens ahead of expiry, and a sync round over every connected account
//! in which each account is claimed by exactly one replica.

use futures::stream::{self, StreamExt};

use crate::values::UserId;

use super::tokens::Need;
use super::{AccountService, Caller, ServiceError};

/// Accounts claimed per claim query of a sync round.
const CLAIM_BATCH: u32 = 50;

/// What a refresh round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Access tokens renewed.
    pub refreshed: u64,
    /// Accounts whose refresh failed (TikTok down, refused grant, storage down).
    pub failed: u64,
    /// Accounts due when listed but no longer by the time they were read (refreshed elsewhere,
    /// disconnected).
    pub skipped: u64,
}

/// What a sync round did on this replica.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Accounts this replica claimed.
    pub claimed: u64,
    /// Accounts synced.
    pub synced: u64,
    /// Accounts whose sync failed; their stored data is as it was.
    pub failed: u64,
    /// Accounts no longer connected when their turn came, or left because the round was stopping.
    pub skipped: u64,
}

/// One account's outcome within a round.
enum Outcome {
    Done,
    Failed,
    Skipped,
}

impl AccountService {
    /// Renews the access tokens that expire within twice the refresh margin, for up to `limit` accounts,
    /// through the same refresh path as a sync (the rotated pair is stored before anything else). No
    /// Display API request is made.
    ///
    /// `stopping` is asked before each account: once it says yes, the rest are skipped, so a shutdown never
    /// has to cut a refresh between TikTok's answer and the commit.
    pub async fn refresh_due(
        &self,
        limit: u32,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<RefreshReport, ServiceError> {
        let lookahead = self.config.refresh_margin * 2;
        let now = self.ports.clock.now();
        let due = self
            .ports
            .schedule
            .due_for_refresh(now + lookahead, limit)
            .await?;
        let mut report = RefreshReport::default();
        for user_id in due {
            if stopping() {
                report.skipped += 1;
                continue;
            }
            match self.refresh_one(&user_id, lookahead).await {
                Outcome::Done => report.refreshed += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Skipped => report.skipped += 1,
            }
        }
        Ok(report)
    }

    async fn refresh_one(&self, user_id: &UserId, lookahead: chrono::Duration) -> Outcome {
        let account = match self.active_account(user_id).await {
            Ok(account) => account,
            Err(ServiceError::NotConnected | ServiceError::ReauthRequired) => {
                return Outcome::Skipped
            }
            Err(_) => return Outcome::Failed,
        };
        let still_due = account
            .grant
            .as_ref()
            .is_some_and(|g| g.access_token_expires_at <= self.ports.clock.now() + lookahead);
        if !still_due {
            return Outcome::Skipped;
        }
        match self
            .fresh_access_token(&account, Need::Ahead(lookahead))
            .await
        {
            Ok(_) => Outcome::Done,
            Err(error) => {
                tracing::warn!(user_id = %user_id, %error, "background refresh failed");
                Outcome::Failed
            }
        }
    }

    /// Claims every connected account whose sync claim is free for `replica`, holding each claim for
    /// `lease` (the round interval, so that no replica syncs it again in this round), and syncs them,
    /// `concurrency` at a time. `stopping` is asked before each account: once it says yes, the accounts
    /// not started are skipped and the round ends.
    pub async fn sync_round(
        &self,
        replica: &str,
        lease: chrono::Duration,
        concurrency: usize,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<SyncReport, ServiceError> {
        let caller = Caller::Service {
            name: format!("background-sync/{replica}"),
        };
        let mut report = SyncReport::default();
        while !stopping() {
            let now = self.ports.clock.now();
            let claimed = self
                .ports
                .schedule
                .claim_for_sync(replica, now, now + lease, CLAIM_BATCH)
                .await?;
            if claimed.is_empty() {
                break;
            }
            report.claimed += claimed.len() as u64;
            let outcomes: Vec<Outcome> = stream::iter(claimed)
                .map(|user_id| self.sync_one(&caller, user_id, stopping))
                .buffer_unordered(concurrency.max(1))
                .collect()
                .await;
            for outcome in outcomes {
                match outcome {
                    Outcome::Done => report.synced += 1,
                    Outcome::Failed => report.failed += 1,
                    Outcome::Skipped => report.skipped += 1,
                }
            }
        }
        Ok(report)
    }

    async fn sync_one(
        &self,
        caller: &Caller,
        user_id: UserId,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Outcome {
        if stopping() {
            return Outcome::Skipped;
        }
        match self.sync(caller, &user_id).await {
            Ok(_) => Outcome::Done,
            Err(ServiceError::NotConnected | ServiceError::ReauthRequired) => Outcome::Skipped,
            Err(error) => {
                tracing::warn!(user_id = %user_id, %error, "background sync failed; stored data kept");
                Outcome::Failed
            }
        }
    }
}

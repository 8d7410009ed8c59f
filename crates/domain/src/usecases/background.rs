//! Background work: renewing access tokens ahead of expiry, a sync round over every connected account
//! in which each account is claimed by exactly one replica, and the history retention.

use std::sync::Arc;

use futures::stream::{self, StreamExt};
use tracing::Instrument;

use crate::ports::{AccountRepository, AccountSchedule, Clock, ContentRepository};
use crate::values::UserId;

use super::lookup::active_account;
use super::retention::RetentionSchedule;
use super::tokens::TokenNeed;
use super::{AccountSync, Caller, ServiceConfig, ServiceError, TokenKeeper};

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

/// The rounds a replica runs in the background, on no user's request. It holds the schedule (due accounts,
/// sync claims), the [`TokenKeeper`] and [`AccountSync`] it drives, and the content storage for the
/// retention.
#[derive(Clone)]
pub struct BackgroundRounds {
    pub(super) accounts: Arc<dyn AccountRepository>,
    pub(super) content: Arc<dyn ContentRepository>,
    pub(super) schedule: Arc<dyn AccountSchedule>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) config: Arc<ServiceConfig>,
    pub(super) tokens: TokenKeeper,
    pub(super) syncs: AccountSync,
    /// When this process last ran the history retention.
    pub(super) retention: Arc<RetentionSchedule>,
}

/// One account's outcome within a round.
enum Outcome {
    Done,
    Failed,
    Skipped,
}

impl BackgroundRounds {
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
        let now = self.clock.now();
        let due = self
            .schedule
            .due_for_refresh(now + lookahead, limit)
            .await?;
        let mut report = RefreshReport::default();
        for user_id in due {
            if stopping() {
                report.skipped += 1;
                continue;
            }
            let span = tracing::info_span!("background_refresh", user_id = %user_id);
            match self
                .refresh_account(&user_id, lookahead)
                .instrument(span)
                .await
            {
                Outcome::Done => report.refreshed += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Skipped => report.skipped += 1,
            }
        }
        Ok(report)
    }

    async fn refresh_account(&self, user_id: &UserId, lookahead: chrono::Duration) -> Outcome {
        let account = match active_account(self.accounts.as_ref(), user_id).await {
            Ok(account) => account,
            Err(ServiceError::NotConnected | ServiceError::ReauthRequired) => {
                return Outcome::Skipped
            }
            Err(_) => return Outcome::Failed,
        };
        let still_due = account
            .grant
            .as_ref()
            .is_some_and(|g| g.access_token_expires_at <= self.clock.now() + lookahead);
        if !still_due {
            return Outcome::Skipped;
        }
        match self
            .tokens
            .fresh_access_token(&account, TokenNeed::Ahead(lookahead))
            .await
        {
            Ok(_) => Outcome::Done,
            Err(error) => {
                tracing::warn!(%error, "background refresh failed");
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
            let now = self.clock.now();
            let claimed = self
                .schedule
                .claim_for_sync(replica, now, now + lease, CLAIM_BATCH)
                .await?;
            if claimed.is_empty() {
                break;
            }
            report.claimed += claimed.len() as u64;
            let outcomes: Vec<Outcome> = stream::iter(claimed)
                .map(|user_id| self.sync_account(&caller, user_id, stopping))
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

    async fn sync_account(
        &self,
        caller: &Caller,
        user_id: UserId,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Outcome {
        if stopping() {
            return Outcome::Skipped;
        }
        match self.syncs.sync(caller, &user_id).await {
            Ok(_) => Outcome::Done,
            Err(ServiceError::NotConnected | ServiceError::ReauthRequired) => Outcome::Skipped,
            Err(error) => {
                tracing::warn!(user_id = %user_id, %error, "background sync failed; stored data kept");
                Outcome::Failed
            }
        }
    }

    /// Deletes the history snapshots (of every account) older than the retention, at most once per
    /// [`super::RETENTION_EVERY`] in this process: it is one indexed range delete over every account, so a
    /// bucket that outlives the retention by an hour is harmless. Answers how many were deleted (`0` when
    /// not due); a failure is logged and the next round tries again.
    pub async fn purge_expired_history(&self) -> Result<u64, ServiceError> {
        let now = self.clock.now();
        if !self.retention.due(now) {
            return Ok(0);
        }
        let cutoff = now - self.config.content.history_retention;
        match self.content.purge_history_before(cutoff).await {
            Ok(purged) => {
                if purged > 0 {
                    tracing::info!(purged, "snapshots past the retention deleted");
                }
                Ok(purged)
            }
            Err(error) => {
                self.retention.failed(now);
                tracing::warn!(%error, "snapshots past the retention not deleted");
                Err(error.into())
            }
        }
    }
}

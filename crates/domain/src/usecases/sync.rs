//! Pulling the profile and its counts from TikTok, then the history snapshot and the videos.

use std::sync::Arc;

use tokio_util::task::TaskTracker;

use crate::account::{ConnectionGeneration, ReauthReason, SyncFailure, TikTokAccount};
use crate::analytics::Analytics;
use crate::ports::{
    AccountRepository, AccountSchedule, Clock, ContentRepository, RepositoryError, TikTokApiError,
    TikTokData, UserInfo,
};
use crate::values::{AccessToken, Scope, UserId};

use super::analytics_keeper::AnalyticsKeeper;
use super::caller::ensure_may_act_for;
use super::calls::{self, Metered};
use super::lookup::active_account;
use super::sync_flight::SyncFlights;
use super::tokens::TokenNeed;
use super::{AccountMetrics, Caller, MetricsReport, ServiceConfig, ServiceError, TokenKeeper};

/// Syncing an account from TikTok: the profile, its history snapshot, the videos, then the analytics.
/// At most one sync per account runs at a time: in this process the running sync is shared
/// (`sync_flight.rs`), across replicas a lease in storage decides.
#[derive(Clone)]
pub struct AccountSync {
    pub(super) accounts: Arc<dyn AccountRepository>,
    pub(super) content: Arc<dyn ContentRepository>,
    pub(super) data: Arc<dyn TikTokData>,
    pub(super) schedule: Arc<dyn AccountSchedule>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) config: Arc<ServiceConfig>,
    pub(super) tokens: TokenKeeper,
    pub(super) analytics: AnalyticsKeeper,
    /// This process's syncs in flight, one per account.
    pub(super) flights: Arc<SyncFlights>,
    /// Owns the shared sync tasks and late lease releases; shutdown waits for them.
    pub(super) tasks: TaskTracker,
}

/// The connection a sync works for ended while it ran (a disconnect, a purge, a reconnect): storage
/// refused a write of its generation. The sync stops at once and quietly; its caller answers
/// [`ServiceError::NotConnected`].
pub(super) struct ConnectionEnded;

impl From<ConnectionEnded> for ServiceError {
    fn from(_: ConnectionEnded) -> Self {
        ServiceError::NotConnected
    }
}

/// Whether a refused write means the connection ended (see [`ConnectionEnded`]).
pub(super) fn connection_ended(error: &RepositoryError) -> bool {
    matches!(error, RepositoryError::NotFound)
}

/// What a sync stored: the account with its new profile, and the analytics of its content.
pub(super) struct Synced {
    pub(super) account: TikTokAccount,
    pub(super) analytics: Result<Analytics, ServiceError>,
}

impl AccountSync {
    /// Refreshes the access token if it is about to expire, reads the profile from TikTok and stores it.
    ///
    /// `access_token_invalid` triggers one refresh and one retry; `scope_not_authorized` means the creator
    /// withdrew consent, so the account moves to `reauth_required`. A failed sync leaves stored data as it was.
    ///
    /// Once the profile is stored, its counts are kept as a history snapshot and, with the `video.list`
    /// scope, the videos are synced (see `AccountSync::sync_videos`). Neither step can fail the sync:
    /// the profile is stored by then, and a failed video page leaves the stored videos as they were (the
    /// log says why; `videos_synced_at` in the metrics body shows when videos last synced). Last, the
    /// analytics are computed from what is stored and kept for the metrics reads.
    ///
    /// At most one sync per account runs at a time, here and across replicas; a request that finds one
    /// running answers its result (see `sync_flight`).
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn sync(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<AccountMetrics, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        Ok(AccountMetrics::of(
            &self.synced_account(user_id).await?.account,
        ))
    }

    /// Syncs, then answers the metrics report of the account as the sync stored it (one authorization, one
    /// read of the account: what `sync` followed by `metrics_report` would do twice).
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn sync_report(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<MetricsReport, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let synced = self.synced_account(user_id).await?;
        Ok(MetricsReport {
            metrics: AccountMetrics::of(&synced.account),
            analytics: synced.analytics?,
        })
    }

    /// [`AccountSync::sync_report`], with the number of TikTok calls made for this request (a request
    /// that shared another's sync made none), for callers' budgets.
    pub async fn sync_report_metered(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Metered<Result<MetricsReport, ServiceError>> {
        calls::metered(self.sync_report(caller, user_id)).await
    }

    /// The sync itself, for an authorized caller holding the account's sync lease: answers the account as stored after it, and the
    /// analytics computed from what it stored (an error when they could not be computed: the sync itself
    /// succeeded, the log says why). A failed sync is recorded as the account's last sync error; a
    /// successful one clears it (storing the profile does). A sync refused before it starts (no active
    /// account, or one awaiting reauthorization) records nothing.
    ///
    /// Every write carries the [`ConnectionGeneration`](crate::account::ConnectionGeneration) of the
    /// account read first. When storage refuses one (the connection ended meanwhile: a disconnect, a
    /// purge, a reconnect), the sync stops at once, writes nothing more and answers
    /// [`ServiceError::NotConnected`]: what the user's status then says.
    pub(super) async fn sync_now(&self, user_id: &UserId) -> Result<Synced, ServiceError> {
        let account = active_account(self.accounts.as_ref(), user_id).await?;
        let generation = account
            .generation
            .clone()
            .ok_or(ServiceError::NotConnected)?;
        let synced = self.sync_stored(account, generation.clone()).await;
        if let Err(error) = &synced {
            record_sync_failure(
                self.accounts.as_ref(),
                self.clock.as_ref(),
                user_id,
                &generation,
                error,
            )
            .await;
        }
        synced
    }

    async fn sync_stored(
        &self,
        account: TikTokAccount,
        generation: ConnectionGeneration,
    ) -> Result<Synced, ServiceError> {
        let user_id = &account.user_id;
        let (info, token) = self.read_profile(&account).await?;
        if info
            .open_id
            .as_ref()
            .is_some_and(|open_id| open_id != &account.tiktok_user_id)
        {
            tracing::warn!("TikTok answered with another open_id; profile not stored");
            return Err(ServiceError::TikTokError(
                "user info belongs to another open_id".into(),
            ));
        }
        let saved = self
            .accounts
            .save_profile(user_id, &generation, &info.profile, self.clock.now())
            .await
            .inspect_err(|error| {
                if matches!(error, RepositoryError::NotFound) {
                    tracing::info!("the connection ended during the sync; profile not stored");
                }
            })?;
        tracing::info!("TikTok profile synced");
        self.record_history(&saved, &generation).await?;
        if saved.scopes.contains(Scope::VIDEO_LIST) {
            self.sync_videos(&saved, &generation, token).await?;
        }
        let analytics = match self.analytics.keep(user_id, &generation).await {
            Err(ServiceError::NotConnected) => return Err(ConnectionEnded.into()),
            other => other,
        };
        if let Err(error) = &analytics {
            tracing::warn!(%error, "analytics not computed after the sync");
        }
        Ok(Synced {
            account: saved,
            analytics,
        })
    }

    /// Reads the profile with a fresh token; on `access_token_invalid`, refreshes once and retries once.
    /// Answers the token that worked, for the video sync.
    async fn read_profile(
        &self,
        account: &TikTokAccount,
    ) -> Result<(UserInfo, AccessToken), ServiceError> {
        let mut fresh = self
            .tokens
            .fresh_access_token(account, TokenNeed::IfDue)
            .await?;
        let first = self.data.user_info(&fresh.token, &account.scopes).await;
        let result = match first {
            Err(TikTokApiError::AccessTokenInvalid) => {
                tracing::info!("TikTok refused the access token; refreshing once and retrying");
                // Unless another request already replaced the refused grant, which is then used.
                fresh = self
                    .tokens
                    .fresh_access_token(account, TokenNeed::Replace(fresh.grant))
                    .await?;
                self.data.user_info(&fresh.token, &account.scopes).await
            }
            other => other,
        };
        match result {
            Ok(info) => Ok((info, fresh.token)),
            Err(TikTokApiError::ScopeNotAuthorized) => {
                tracing::warn!("TikTok says a scope was withdrawn; reauthorization required");
                Err(self
                    .tokens
                    .mark_reauth_required(
                        &account.user_id,
                        &fresh.grant.refresh_token,
                        ReauthReason::ScopeWithdrawn,
                    )
                    .await)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// A refreshed access token after TikTok refused the one in hand (the stored grant's). The account is
    /// re-read first: a refresh just before may have rotated the refresh token the caller's copy holds.
    pub(super) async fn forced_token(
        &self,
        account: &TikTokAccount,
    ) -> Result<AccessToken, ServiceError> {
        let current = active_account(self.accounts.as_ref(), &account.user_id).await?;
        let refused = current.grant.clone().ok_or(ServiceError::ReauthRequired)?;
        Ok(self
            .tokens
            .fresh_access_token(&current, TokenNeed::Replace(refused))
            .await?
            .token)
    }
}

/// Records a failed sync on the user's active account of `generation`, so that the status can say
/// when and why. Nothing is recorded when the connection ended; a failure to record is logged, not
/// answered.
pub(super) async fn record_sync_failure(
    accounts: &dyn AccountRepository,
    clock: &dyn Clock,
    user_id: &UserId,
    generation: &ConnectionGeneration,
    error: &ServiceError,
) -> Option<SyncFailure> {
    if matches!(error, ServiceError::NotConnected | ServiceError::Forbidden) {
        return None;
    }
    let failure = SyncFailure {
        code: error.code().to_owned(),
        message: error.to_string(),
        at: clock.now(),
    };
    match accounts
        .record_sync_failure(user_id, generation, &failure)
        .await
    {
        Ok(()) => Some(failure),
        Err(record_error) => {
            tracing::warn!(error = %record_error, "the failed sync could not be recorded");
            None
        }
    }
}

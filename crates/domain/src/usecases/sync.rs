//! Pulling the profile and its counts from TikTok, then the history snapshot and the videos.

use crate::account::{
    ConnectionGeneration, ConnectionState, ReauthReason, SyncFailure, TikTokAccount,
};
use crate::analytics::Analytics;
use crate::ports::{RepositoryError, TikTokApiError, UserInfo};
use crate::values::{AccessToken, Scope, UserId};

use super::tokens::Need;
use super::{AccountMetrics, AccountService, Caller, ServiceError};

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

impl AccountService {
    /// Refreshes the access token if it is about to expire, reads the profile from TikTok and stores it.
    ///
    /// `access_token_invalid` triggers one refresh and one retry; `scope_not_authorized` means the creator
    /// withdrew consent, so the account moves to `reauth_required`. A failed sync leaves stored data as it was.
    ///
    /// Once the profile is stored, its counts are kept as a history snapshot and, with the `video.list`
    /// scope, the videos are synced (see [`AccountService::sync_videos`]). Neither step can fail the sync:
    /// the profile is stored by then, and a failed video page leaves the stored videos as they were (the
    /// log says why; `videos_synced_at` in the metrics body shows when videos last synced). Last, the
    /// analytics are computed from what is stored and kept for the metrics reads.
    ///
    /// At most one sync per account runs at a time, here and across replicas; a request that finds one
    /// running answers its result (see `sync_flight`).
    pub async fn sync(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<AccountMetrics, ServiceError> {
        self.authorize(caller, user_id)?;
        Ok(AccountMetrics::of(
            &self.synced_account(user_id).await?.account,
        ))
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
        let account = self.active_account(user_id).await?;
        let generation = account
            .generation
            .clone()
            .ok_or(ServiceError::NotConnected)?;
        let synced = self.sync_stored(account, generation.clone()).await;
        if let Err(error) = &synced {
            self.record_sync_failure(user_id, &generation, error).await;
        }
        synced
    }

    /// Records a failed sync on the user's active account of `generation`, so that the status can say
    /// when and why. Nothing is recorded when the connection ended; a failure to record is logged, not
    /// answered.
    pub(super) async fn record_sync_failure(
        &self,
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
            at: self.ports.clock.now(),
        };
        match self
            .ports
            .accounts
            .record_sync_failure(user_id, generation, &failure)
            .await
        {
            Ok(()) => Some(failure),
            Err(record_error) => {
                tracing::warn!(user_id = %user_id, error = %record_error, "the failed sync could not be recorded");
                None
            }
        }
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
            tracing::warn!(user_id = %user_id, "TikTok answered with another open_id; profile not stored");
            return Err(ServiceError::TikTokError(
                "user info belongs to another open_id".into(),
            ));
        }
        let saved = self
            .ports
            .accounts
            .save_profile(user_id, &generation, &info.profile, self.ports.clock.now())
            .await
            .inspect_err(|error| {
                if matches!(error, RepositoryError::NotFound) {
                    tracing::info!(user_id = %user_id, "the connection ended during the sync; profile not stored");
                }
            })?;
        tracing::info!(user_id = %user_id, "TikTok profile synced");
        self.record_history(&saved, &generation).await?;
        if saved.scopes.contains(Scope::VIDEO_LIST) {
            self.sync_videos(&saved, &generation, token).await?;
        }
        let analytics = match self.keep_analytics(user_id, &generation).await {
            Err(ServiceError::NotConnected) => return Err(ConnectionEnded.into()),
            other => other,
        };
        if let Err(error) = &analytics {
            tracing::warn!(user_id = %user_id, %error, "analytics not computed after the sync");
        }
        Ok(Synced {
            account: saved,
            analytics,
        })
    }

    /// The user's account if it can be used now.
    pub(super) async fn active_account(
        &self,
        user_id: &UserId,
    ) -> Result<TikTokAccount, ServiceError> {
        let account = self
            .ports
            .accounts
            .find_by_user(user_id)
            .await?
            .ok_or(ServiceError::NotConnected)?;
        match account.state {
            ConnectionState::Connected => Ok(account),
            ConnectionState::ReauthRequired => Err(ServiceError::ReauthRequired),
            ConnectionState::Disconnected => Err(ServiceError::NotConnected),
        }
    }

    /// Reads the profile with a fresh token; on `access_token_invalid`, refreshes once and retries once.
    /// Answers the token that worked, for the video sync.
    async fn read_profile(
        &self,
        account: &TikTokAccount,
    ) -> Result<(UserInfo, AccessToken), ServiceError> {
        let mut fresh = self.fresh_access_token(account, Need::IfDue).await?;
        let first = self
            .ports
            .data
            .user_info(&fresh.token, &account.scopes)
            .await;
        let result = match first {
            Err(TikTokApiError::AccessTokenInvalid) => {
                tracing::info!(user_id = %account.user_id, "TikTok refused the access token; refreshing once and retrying");
                // Unless another request already replaced the refused grant, which is then used.
                fresh = self
                    .fresh_access_token(account, Need::Replace(fresh.grant))
                    .await?;
                self.ports
                    .data
                    .user_info(&fresh.token, &account.scopes)
                    .await
            }
            other => other,
        };
        match result {
            Ok(info) => Ok((info, fresh.token)),
            Err(TikTokApiError::ScopeNotAuthorized) => {
                tracing::warn!(user_id = %account.user_id, "TikTok says a scope was withdrawn; reauthorization required");
                Err(self
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
        let current = self.active_account(&account.user_id).await?;
        let refused = current.grant.clone().ok_or(ServiceError::ReauthRequired)?;
        Ok(self
            .fresh_access_token(&current, Need::Replace(refused))
            .await?
            .token)
    }
}

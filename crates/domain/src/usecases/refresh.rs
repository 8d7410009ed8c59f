//! The token refresh, single-flight across replicas.
//!
//! Within a process, requests that need the same account's refresh take turns on its flight; across
//! processes, a lease in storage decides who refreshes. Whoever gets both reads the account back under the
//! lease: if someone refreshed meanwhile, their grant is used and TikTok is not called. Otherwise it
//! refreshes once, and stores the rotated pair and frees the lease in one write before using it. A
//! request that finds the lease taken reads the account again every `refresh_poll` until the new grant
//! appears or `refresh_wait` has passed, then answers `AccountBusy` (a local race, not a TikTok failure).
//!
//! A rotated pair that cannot be stored because the database is down (through a few quick retries) is kept
//! by a task outside the request, which stores it as soon as the database is back, over the row that still
//! holds the refresh token it replaced; the request answers `DatabaseUnavailable`.
//!
//! A refresh whose outcome is unknown (timeout, connection lost after sending) keeps the stored grant,
//! frees the lease and fails this request; it is never retried with the possibly spent refresh token in
//! the same request. The next request tries the stored refresh token once; if TikTok had rotated it, that
//! is `invalid_grant` and the account needs reauthorization, since the new pair was lost with the answer.

use std::sync::Arc;

use backon::{ExponentialBuilder, Retryable};
use tokio::time::Instant;
use tracing::Instrument;

use crate::account::{ConnectionState, SealedToken, StoredGrant, TikTokAccount, TokenKind};
use crate::ports::{OAuthError, RefreshLease, RepositoryError};
use crate::values::{RefreshToken, UserId};

use super::lookup::active_account;
use super::single_flight::{RefreshFailure, Turn};
use super::tokens::{seal_grant, FreshToken, TokenKeeper, TokenNeed};
use super::ServiceError;

/// How often a rotated pair that could not be stored is tried again (see `keep_rotated_pair`).
pub(crate) const LATE_SAVE_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);
/// How long a rotated pair that could not be stored is kept trying: an outage longer than this loses it.
pub(crate) const LATE_SAVE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// The longest pause between two tries of a rotated pair that could not be stored.
pub(crate) const LATE_SAVE_MAX_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);

/// The retry of a write that must not be lost, within a request: three more tries, from 100 ms apart,
/// doubling, with jitter.
fn quick_retry() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(std::time::Duration::from_millis(100))
        .with_factor(2.0)
        .with_max_times(3)
        .with_jitter()
}

/// The retry of a rotated pair outside the request (see `keep_rotated_pair`): until
/// [`LATE_SAVE_PATIENCE`] has been spent waiting.
fn late_retry() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(LATE_SAVE_PAUSE)
        .with_max_delay(LATE_SAVE_MAX_PAUSE)
        .with_factor(2.0)
        .without_max_times()
        .with_total_delay(Some(LATE_SAVE_PATIENCE))
        .with_jitter()
}

/// Logs, when dropped still holding a user, that this user's rotated pair is lost.
struct Unsettled(Option<UserId>);

impl Drop for Unsettled {
    fn drop(&mut self) {
        if let Some(user_id) = &self.0 {
            tracing::error!(user_id = %user_id, "stopped before the rotated pair could be stored; the creator will have to reconnect");
        }
    }
}

/// The answer when another request's refresh of the same account outlasts our wait.
fn refresh_busy() -> ServiceError {
    ServiceError::AccountBusy(
        "another request is refreshing this account's token; retry shortly".into(),
    )
}

impl TokenKeeper {
    /// Refreshes `snapshot`'s tokens as `need` says, unless someone else does or did it first.
    pub(super) async fn refresh_in_flight(
        &self,
        snapshot: &TikTokAccount,
        need: TokenNeed,
    ) -> Result<FreshToken, ServiceError> {
        let deadline = Instant::now() + self.config.refresh_wait;
        let user_id = &snapshot.user_id;
        let mut turn = self
            .flights
            .enter(user_id, deadline)
            .await
            .ok_or_else(refresh_busy)?;
        if let Some(failure) = turn.failure_while_waiting() {
            return Err(failure.to_error());
        }
        // A request that waited for its turn reads the result of the one before it first.
        let mut read_first = turn.waited;
        loop {
            if read_first {
                let current = active_account(self.accounts.as_ref(), user_id).await?;
                if let Some(fresh) = self.usable_token(&current, &need).await? {
                    return Ok(fresh);
                }
            }
            let now = self.clock.now();
            let lease = self.flights.new_lease(now + self.config.refresh_lease);
            let acquired = self
                .accounts
                .try_acquire_refresh_lease(user_id, &lease, now)
                .await?;
            if let Some(current) = acquired {
                return self
                    .refresh_under_lease(current, need, lease, &mut turn)
                    .await;
            }
            if Instant::now() + self.config.refresh_poll >= deadline {
                tracing::warn!("another replica's refresh outlasted the wait");
                return Err(refresh_busy());
            }
            tokio::time::sleep(self.config.refresh_poll).await;
            read_first = true;
        }
    }

    /// Holding the lease, with the account as read under it: refresh unless no longer needed.
    async fn refresh_under_lease(
        &self,
        current: TikTokAccount,
        need: TokenNeed,
        lease: RefreshLease,
        turn: &mut Turn<'_>,
    ) -> Result<FreshToken, ServiceError> {
        let user_id = &current.user_id;
        let grant = match (&current.state, &current.grant) {
            (ConnectionState::Connected, Some(grant)) => grant.clone(),
            _ => {
                self.release(&lease, user_id).await;
                return Err(match current.state {
                    ConnectionState::Disconnected => ServiceError::NotConnected,
                    _ => ServiceError::ReauthRequired,
                });
            }
        };
        match self.usable_token(&current, &need).await {
            Ok(Some(fresh)) => {
                tracing::info!("the token was refreshed meanwhile; using that grant");
                self.release(&lease, user_id).await;
                return Ok(fresh);
            }
            Ok(None) => {}
            // The account was marked for reauthorization, which frees the lease.
            Err(error) => return Err(error),
        }
        let now = self.clock.now();
        if grant.refresh_token_expires_at <= now {
            tracing::warn!("refresh token expired; reauthorization required");
            return Err(self
                .mark_reauth_required(
                    user_id,
                    &grant.refresh_token,
                    crate::account::ReauthReason::RefreshTokenExpired,
                )
                .await);
        }
        let refresh_token = match self.open(&current, &grant.refresh_token, TokenKind::Refresh) {
            Ok(secret) => RefreshToken::new(secret),
            Err(error) => return Err(self.unreadable_grant(&current, error).await),
        };
        let refreshed = self.oauth.refresh(&refresh_token).await;
        let outcome = match &refreshed {
            Ok(_) => "refreshed",
            Err(OAuthError::InvalidGrant) => "refused",
            Err(_) => "failed",
        };
        metrics::counter!("tiktok_token_refreshes_total", "outcome" => outcome).increment(1);
        match refreshed {
            Ok(new_grant) => {
                #[cfg(feature = "failpoints")]
                crate::failpoints::hit(crate::failpoints::FailPoint::BeforeRefreshCommit, user_id);
                let stored = match seal_grant(self.cipher.as_ref(), user_id, &new_grant, now) {
                    Ok(stored) => stored,
                    Err(error) => {
                        self.release(&lease, user_id).await;
                        return Err(error);
                    }
                };
                // Committed, and the lease freed, before the new access token is used: TikTok has
                // already killed the old refresh token, so a passing database fault is retried.
                let saved = self.save_rotated_pair(user_id, &lease, &stored, now).await;
                match saved {
                    Ok(()) => {
                        tracing::info!("access token refreshed");
                        Ok(FreshToken {
                            token: new_grant.access_token,
                            grant: stored,
                        })
                    }
                    Err(RepositoryError::NotFound) => self.after_lost_lease(user_id, &grant).await,
                    Err(error @ RepositoryError::Unavailable(_)) => {
                        self.keep_rotated_pair(user_id, &grant.refresh_token, stored, now);
                        Err(error.into())
                    }
                    Err(error) => Err(error.into()),
                }
            }
            Err(OAuthError::InvalidGrant) => {
                let outcome = self.after_refused_refresh(&current, &grant).await;
                // Marking the account for reauthorization freed the lease already; otherwise (a good grant
                // found, or the database failing) it is freed here rather than left to expire.
                if !matches!(outcome, Err(ServiceError::ReauthRequired)) {
                    self.release(&lease, user_id).await;
                }
                outcome
            }
            Err(error) => {
                tracing::warn!(%error, "refresh failed; the stored grant is kept and not retried in this request");
                self.release(&lease, user_id).await;
                turn.record_failure(match &error {
                    OAuthError::RateLimited { retry_after } => {
                        RefreshFailure::RateLimited(*retry_after)
                    }
                    OAuthError::Unavailable(_) => RefreshFailure::Unavailable,
                    _ => RefreshFailure::Rejected,
                });
                Err(error.into())
            }
        }
    }

    /// The rotated pair could not be stored because the account changed under us (disconnected,
    /// reconnected, marked) or the lease was lost. The account as it now is decides the answer.
    async fn after_lost_lease(
        &self,
        user_id: &UserId,
        used: &StoredGrant,
    ) -> Result<FreshToken, ServiceError> {
        tracing::warn!("the account changed during the refresh; the rotated pair was not stored");
        let current = active_account(self.accounts.as_ref(), user_id).await?;
        if current.grant.as_ref() == Some(used) {
            // Our lease expired and was taken while TikTok answered: the other holder decides now.
            return Err(refresh_busy());
        }
        let need = TokenNeed::Replace(used.clone());
        self.usable_token(&current, &need)
            .await?
            .ok_or_else(refresh_busy)
    }

    /// Stores the rotated pair under the lease, retrying a database that is unavailable for a moment
    /// (three more tries, about 100, 200 and 400 ms apart, with jitter: [`quick_retry`]): the pair exists
    /// nowhere else, and the write is idempotent while the lease is ours.
    async fn save_rotated_pair(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
        grant: &StoredGrant,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), RepositoryError> {
        (|| {
            self.accounts
                .save_refreshed_grant(user_id, lease, grant, at)
        })
        .retry(quick_retry())
        .sleep(tokio::time::sleep)
        .when(|error| matches!(error, RepositoryError::Unavailable(_)))
        .notify(|error, _| {
            tracing::warn!(%error, "could not store the rotated pair yet; retrying");
        })
        .await
    }

    /// The database stayed unavailable through [`Self::save_rotated_pair`]'s retries, and the rotated pair
    /// exists only here (sealed): TikTok has already killed the refresh token the row holds. A task outside
    /// the request, owned by the service's task tracker (shutdown waits for it), keeps trying to store it,
    /// from [`LATE_SAVE_PAUSE`] apart (backing off with jitter up to [`LATE_SAVE_MAX_PAUSE`]) for up to
    /// [`LATE_SAVE_PATIENCE`], over the row that still holds `replaced` (see
    /// `AccountRepository::save_late_rotated_grant`), so the pair is stored soon after the database is
    /// back. A request that needs a refresh meanwhile waits on the lease or, once it expired, finds TikTok
    /// refusing `replaced` and then this pair stored.
    fn keep_rotated_pair(
        &self,
        user_id: &UserId,
        replaced: &SealedToken,
        pair: StoredGrant,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        tracing::warn!(
            "the database is unavailable with a rotated pair in hand; storing it once it is back"
        );
        let (accounts, user_id, replaced) = (
            Arc::clone(&self.accounts),
            user_id.clone(),
            replaced.clone(),
        );
        let span = tracing::warn_span!("keep_rotated_pair", user_id = %user_id);
        let task = async move {
            // Dropped unfinished when the runtime stops before the tracker is waited for: says what is lost.
            let mut unsettled = Unsettled(Some(user_id.clone()));
            tokio::time::sleep(LATE_SAVE_PAUSE).await;
            let saved = (|| accounts.save_late_rotated_grant(&user_id, &replaced, &pair, at))
                .retry(late_retry())
                .sleep(tokio::time::sleep)
                .when(|error| matches!(error, RepositoryError::Unavailable(_)))
                .await;
            match saved {
                Ok(()) => tracing::info!("rotated pair stored after the database came back"),
                Err(RepositoryError::NotFound) => {
                    tracing::warn!(
                        "the account changed before the rotated pair could be stored; pair dropped"
                    );
                }
                Err(error) => {
                    tracing::error!(%error, "rotated pair lost; the creator will have to reconnect");
                }
            }
            unsettled.0 = None;
        };
        self.tasks.spawn(task.instrument(span));
    }

    /// Frees the lease; a failure only delays the next refresh until the lease expires.
    async fn release(&self, lease: &RefreshLease, user_id: &UserId) {
        if let Err(error) = self.accounts.release_refresh_lease(user_id, lease).await {
            tracing::warn!(%error, "could not free the refresh lease; it will expire");
        }
    }
}

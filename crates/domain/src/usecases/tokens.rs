//! Keeping tokens fresh: refresh before expiry, store the rotated pair before use, never replay a spent one.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio_util::task::TaskTracker;

use crate::account::{ReauthReason, SealedToken, StoredGrant, TikTokAccount, TokenKind};
use crate::ports::{
    AccountRepository, Clock, RepositoryError, TikTokOAuth, TokenCipher, TokenContext, TokenGrant,
};
use crate::values::{AccessToken, UserId};

use super::single_flight::RefreshFlights;
use super::{ServiceConfig, ServiceError};

/// Keeps each account's tokens fresh: hands out an access token valid for the request, refreshing it
/// first when due (one refresh per account at a time, across replicas: see `refresh.rs`). The other use
/// cases get their tokens from here and never call TikTok's token endpoint themselves.
#[derive(Clone)]
pub struct TokenKeeper {
    pub(super) accounts: Arc<dyn AccountRepository>,
    pub(super) oauth: Arc<dyn TikTokOAuth>,
    pub(super) cipher: Arc<dyn TokenCipher>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) config: Arc<ServiceConfig>,
    /// This process's refreshes in flight, and the lease owner names of this replica.
    pub(super) flights: Arc<RefreshFlights>,
    /// Owns the task that stores a rotated pair late (see `keep_rotated_pair`); shutdown waits for it.
    pub(super) tasks: TaskTracker,
}

/// What a request needs from the token refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TokenNeed {
    /// An access token valid beyond the refresh margin: refresh only when the stored one is due.
    IfDue,
    /// An access token valid beyond this (longer) lookahead: the background refresher renews early.
    Ahead(chrono::Duration),
    /// Another access token than this grant's, which TikTok refused: refresh, unless someone already
    /// replaced that grant.
    Replace(StoredGrant),
}

/// An access token to use, and the stored grant it belongs to.
#[derive(Debug)]
pub(super) struct FreshToken {
    pub(super) token: AccessToken,
    pub(super) grant: StoredGrant,
}

/// Seals both tokens of a grant for `user_id`'s row and turns TikTok's relative lifetimes into instants.
pub(super) fn seal_grant(
    cipher: &dyn TokenCipher,
    user_id: &UserId,
    grant: &TokenGrant,
    received_at: DateTime<Utc>,
) -> Result<StoredGrant, ServiceError> {
    let seal = |secret, kind| {
        cipher
            .seal(secret, &TokenContext::new(user_id.as_str(), kind))
            .map_err(|e| ServiceError::Internal(e.into()))
    };
    Ok(StoredGrant {
        access_token: seal(grant.access_token.secret(), TokenKind::Access)?,
        refresh_token: seal(grant.refresh_token.secret(), TokenKind::Refresh)?,
        access_token_expires_at: received_at + lifetime(grant.expires_in),
        refresh_token_expires_at: received_at + lifetime(grant.refresh_expires_in),
        scopes: grant.scopes.clone(),
    })
}

/// TikTok's lifetimes, capped at ten years: a larger (broken or hostile) value would overflow the instant,
/// and no TikTok token lives that long.
fn lifetime(duration: std::time::Duration) -> chrono::Duration {
    const TEN_YEARS: chrono::Duration = chrono::Duration::days(3653);
    chrono::Duration::from_std(duration).map_or(TEN_YEARS, |d| d.min(TEN_YEARS))
}

impl TokenKeeper {
    /// A lease owner name never used before (this replica's id and a counter), for the sync lease too.
    pub(super) fn new_lease_owner(&self) -> String {
        self.flights.new_owner()
    }

    /// An access token that stays valid for at least the refresh margin, refreshing first when needed
    /// (one refresh per account at a time, across replicas: see `refresh.rs`).
    pub(super) async fn fresh_access_token(
        &self,
        account: &TikTokAccount,
        need: TokenNeed,
    ) -> Result<FreshToken, ServiceError> {
        if matches!(need, TokenNeed::IfDue | TokenNeed::Ahead(_)) {
            if let Some(fresh) = self.usable_token(account, &need).await? {
                return Ok(fresh);
            }
        }
        self.refresh_in_flight(account, need).await
    }

    /// The account's stored access token if it meets the need, `None` when a refresh is needed.
    pub(super) async fn usable_token(
        &self,
        account: &TikTokAccount,
        need: &TokenNeed,
    ) -> Result<Option<FreshToken>, ServiceError> {
        let grant = account.grant.as_ref().ok_or(ServiceError::ReauthRequired)?;
        let now = self.clock.now();
        let valid = grant.access_token_expires_at > now + self.config.refresh_margin;
        let meets = match need {
            TokenNeed::IfDue => valid,
            TokenNeed::Ahead(lookahead) => grant.access_token_expires_at > now + *lookahead,
            TokenNeed::Replace(refused) => valid && grant != refused,
        };
        if !meets {
            return Ok(None);
        }
        match self.open(account, &grant.access_token, TokenKind::Access) {
            Ok(secret) => Ok(Some(FreshToken {
                token: AccessToken::new(secret),
                grant: grant.clone(),
            })),
            Err(error) => Err(self.unreadable_grant(account, error).await),
        }
    }

    /// TikTok refused our refresh token. If someone else rotated it meanwhile, their new token is good;
    /// otherwise the grant is dead and the creator must reconnect.
    pub(super) async fn after_refused_refresh(
        &self,
        account: &TikTokAccount,
        used: &StoredGrant,
    ) -> Result<FreshToken, ServiceError> {
        let current = self.accounts.find_by_user(&account.user_id).await?;
        if let Some(current) = current.filter(|a| {
            a.grant
                .as_ref()
                .is_some_and(|g| g.refresh_token != used.refresh_token)
        }) {
            if let Some(grant) = &current.grant {
                tracing::info!("refresh token was rotated concurrently; using the new grant");
                return match self.open(&current, &grant.access_token, TokenKind::Access) {
                    Ok(secret) => Ok(FreshToken {
                        token: AccessToken::new(secret),
                        grant: grant.clone(),
                    }),
                    Err(error) => Err(self.unreadable_grant(&current, error).await),
                };
            }
        }
        // TikTok's `invalid_grant` does not say why; a refresh token still within the lifetime TikTok gave it
        // was revoked (the creator removed the app, or TikTok withdrew the grant).
        let reason = if used.refresh_token_expires_at <= self.clock.now() {
            ReauthReason::RefreshTokenExpired
        } else {
            ReauthReason::AccessRevoked
        };
        tracing::warn!(
            reason = reason.as_str(),
            "TikTok refused the refresh token; reauthorization required"
        );
        Err(self
            .mark_reauth_required(&account.user_id, &used.refresh_token, reason)
            .await)
    }

    /// Marks the account for reauthorization, for `reason`, because TikTok refused the grant whose refresh
    /// token is `refused`, and answers the request's error. Only that grant is marked: when a reconnect or a
    /// concurrent refresh stored another one meanwhile, the account is left as it is and the request is
    /// told to retry (it will use the new grant). `reason` labels the transition in
    /// `tiktok_reauth_required_total`.
    pub(super) async fn mark_reauth_required(
        &self,
        user_id: &UserId,
        refused: &SealedToken,
        reason: ReauthReason,
    ) -> ServiceError {
        let marked = self
            .accounts
            .mark_reauth_required(user_id, refused, reason, self.clock.now())
            .await;
        match marked {
            Ok(()) => {
                metrics::counter!("tiktok_reauth_required_total", "reason" => reason.as_str())
                    .increment(1);
                ServiceError::ReauthRequired
            }
            Err(RepositoryError::NotFound) => {
                tracing::info!("the refused grant was replaced meanwhile; account left as it is");
                ServiceError::AccountBusy(
                    "the account's grant changed during this request; retry".into(),
                )
            }
            Err(error) => error.into(),
        }
    }

    /// Opens one of the account's sealed tokens.
    pub(super) fn open(
        &self,
        account: &TikTokAccount,
        sealed: &crate::account::SealedToken,
        kind: TokenKind,
    ) -> Result<secrecy::SecretString, crate::ports::CipherError> {
        self.cipher
            .open(sealed, &TokenContext::new(account.user_id.as_str(), kind))
    }

    /// A stored token that does not open (moved, altered, or its key removed) cannot be used again:
    /// the account asks for a reauthorization instead of failing on every call.
    pub(super) async fn unreadable_grant(
        &self,
        account: &TikTokAccount,
        error: crate::ports::CipherError,
    ) -> ServiceError {
        tracing::error!(%error, "stored token does not open; reauthorization required");
        match &account.grant {
            Some(grant) => {
                self.mark_reauth_required(
                    &account.user_id,
                    &grant.refresh_token,
                    ReauthReason::Unknown,
                )
                .await
            }
            None => ServiceError::ReauthRequired,
        }
    }
}

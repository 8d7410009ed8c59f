//! Keeping tokens fresh: refresh before expiry, store the rotated pair before use, never replay a spent one.

use chrono::{DateTime, Utc};

use crate::account::{StoredGrant, TikTokAccount, TokenKind};
use crate::ports::{OAuthError, TokenCipher, TokenContext, TokenGrant};
use crate::values::{AccessToken, RefreshToken, UserId};

use super::{AccountService, ServiceError};

/// Whether to refresh only when the access token is due, or in any case (after TikTok refused it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Freshness {
    IfDue,
    /// Due when the access token expires within this (longer) lookahead: the background refresher.
    Ahead(chrono::Duration),
    Force,
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

impl AccountService {
    /// An access token that stays valid for at least the refresh margin, refreshing first when needed.
    pub(super) async fn fresh_access_token(
        &self,
        account: &TikTokAccount,
        freshness: Freshness,
    ) -> Result<AccessToken, ServiceError> {
        let now = self.ports.clock.now();
        let grant = account.grant.as_ref().ok_or(ServiceError::ReauthRequired)?;
        let margin = match freshness {
            Freshness::Ahead(lookahead) => lookahead,
            Freshness::IfDue | Freshness::Force => self.config.refresh_margin,
        };
        if freshness != Freshness::Force && grant.access_token_expires_at > now + margin {
            return match self.open(account, &grant.access_token, TokenKind::Access) {
                Ok(secret) => Ok(AccessToken::new(secret)),
                Err(error) => Err(self.unreadable_grant(account, error).await),
            };
        }
        if grant.refresh_token_expires_at <= now {
            tracing::warn!(user_id = %account.user_id, "refresh token expired; reauthorization required");
            self.ports
                .accounts
                .mark_reauth_required(&account.user_id, now)
                .await?;
            return Err(ServiceError::ReauthRequired);
        }
        let refresh_token = match self.open(account, &grant.refresh_token, TokenKind::Refresh) {
            Ok(secret) => RefreshToken::new(secret),
            Err(error) => return Err(self.unreadable_grant(account, error).await),
        };
        match self.ports.oauth.refresh(&refresh_token).await {
            Ok(new_grant) => {
                let stored = seal_grant(
                    self.ports.cipher.as_ref(),
                    &account.user_id,
                    &new_grant,
                    now,
                )?;
                // Committed before the new access token is used: TikTok has already killed the old refresh token.
                self.ports
                    .accounts
                    .save_grant(&account.user_id, &stored, now)
                    .await?;
                tracing::info!(user_id = %account.user_id, "access token refreshed");
                Ok(new_grant.access_token)
            }
            Err(OAuthError::InvalidGrant) => self.after_refused_refresh(account, grant).await,
            Err(error) => Err(error.into()),
        }
    }

    /// TikTok refused our refresh token. If someone else rotated it meanwhile, their new token is good;
    /// otherwise the grant is dead and the creator must reconnect.
    async fn after_refused_refresh(
        &self,
        account: &TikTokAccount,
        used: &StoredGrant,
    ) -> Result<AccessToken, ServiceError> {
        let current = self.ports.accounts.find_by_user(&account.user_id).await?;
        if let Some(current) = current.filter(|a| {
            a.grant
                .as_ref()
                .is_some_and(|g| g.refresh_token != used.refresh_token)
        }) {
            if let Some(grant) = &current.grant {
                tracing::info!(user_id = %account.user_id, "refresh token was rotated concurrently; using the new grant");
                return match self.open(&current, &grant.access_token, TokenKind::Access) {
                    Ok(secret) => Ok(AccessToken::new(secret)),
                    Err(error) => Err(self.unreadable_grant(&current, error).await),
                };
            }
        }
        tracing::warn!(user_id = %account.user_id, "TikTok refused the refresh token; reauthorization required");
        self.ports
            .accounts
            .mark_reauth_required(&account.user_id, self.ports.clock.now())
            .await?;
        Err(ServiceError::ReauthRequired)
    }

    fn open(
        &self,
        account: &TikTokAccount,
        sealed: &crate::account::SealedToken,
        kind: TokenKind,
    ) -> Result<secrecy::SecretString, crate::ports::CipherError> {
        self.ports
            .cipher
            .open(sealed, &TokenContext::new(account.user_id.as_str(), kind))
    }

    /// A stored token that does not open (moved, altered, or its key removed) cannot be used again:
    /// the account asks for a reauthorization instead of failing on every call.
    async fn unreadable_grant(
        &self,
        account: &TikTokAccount,
        error: crate::ports::CipherError,
    ) -> ServiceError {
        tracing::error!(user_id = %account.user_id, %error, "stored token does not open; reauthorization required");
        match self
            .ports
            .accounts
            .mark_reauth_required(&account.user_id, self.ports.clock.now())
            .await
        {
            Ok(()) => ServiceError::ReauthRequired,
            Err(e) => e.into(),
        }
    }
}

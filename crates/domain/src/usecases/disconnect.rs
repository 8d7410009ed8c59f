//! Disconnecting: revoke at TikTok, forget the tokens, keep the row (and the history) for a later reconnect;
//! or, when asked, erase everything stored for the creator.

use crate::account::{ConnectionState, TokenKind};
use crate::events::DisconnectCause;
use crate::values::{AccessToken, UserId};

use super::caller::ensure_may_act_for;
use super::tokens::TokenNeed;
use super::{Caller, ConnectionStatus, Connections, ServiceError};

impl Connections {
    /// Revokes the grant at TikTok, erases both tokens and marks the account inactive. Idempotent: a user
    /// who never connected, or is already disconnected, gets the `not_connected` status.
    ///
    /// A failure to revoke at TikTok is logged and does not block the local disconnect: the creator asked
    /// to be disconnected, and the tokens are erased here either way.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn disconnect(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<ConnectionStatus, ServiceError> {
        self.end_connection(caller, user_id, DisconnectCause::UserRequest)
            .await
    }

    /// Disconnects as [`Connections::disconnect`] does, reporting `cause` in the
    /// `tiktok.account.disconnected` event the storage writes with the change.
    async fn end_connection(
        &self,
        caller: &Caller,
        user_id: &UserId,
        cause: DisconnectCause,
    ) -> Result<ConnectionStatus, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let account = match self.accounts.find_by_user(user_id).await? {
            // Already disconnected: nothing to revoke, and the stored reason (perhaps TikTok's) is kept.
            Some(account) if account.state == ConnectionState::Disconnected => {
                return Ok(ConnectionStatus::of(user_id.clone(), Some(account)))
            }
            Some(account) => account,
            None => return Ok(ConnectionStatus::of(user_id.clone(), None)),
        };
        if account.grant.is_some() {
            match self.revocable_token(&account).await {
                Ok(token) => match self.oauth.revoke(&token).await {
                    Ok(()) => tracing::info!("grant revoked at TikTok"),
                    Err(error) => {
                        tracing::warn!(%error, "could not revoke at TikTok; disconnecting anyway")
                    }
                },
                Err(error) => {
                    tracing::warn!(%error, "no usable token to revoke; disconnecting anyway")
                }
            }
        }
        let account = self
            .accounts
            .disconnect(user_id, cause, self.clock.now())
            .await?;
        tracing::info!("TikTok account disconnected");
        Ok(ConnectionStatus::of(user_id.clone(), account))
    }

    /// Disconnects (as [`Connections::disconnect`]), then erases everything stored for the creator:
    /// videos, snapshots, the video sync's state and the account row itself. The user is then as if they
    /// never connected. Idempotent. The connection's end is reported as `purged` (one event, not a
    /// `user_request` before it); a user already disconnected gets no second event.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn disconnect_and_purge(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<ConnectionStatus, ServiceError> {
        self.end_connection(caller, user_id, DisconnectCause::Purged)
            .await?;
        self.content.purge(user_id).await?;
        self.accounts.delete_account(user_id).await?;
        tracing::info!("everything stored for the creator erased");
        Ok(ConnectionStatus::of(user_id.clone(), None))
    }

    /// The access token to revoke: the stored one while it is valid, otherwise a refreshed one (TikTok's
    /// revoke takes an access token, and an expired one may not be accepted).
    async fn revocable_token(
        &self,
        account: &crate::account::TikTokAccount,
    ) -> Result<AccessToken, ServiceError> {
        let grant = account.grant.as_ref().ok_or(ServiceError::NotConnected)?;
        if grant.access_token_expires_at > self.clock.now() {
            let context =
                crate::ports::TokenContext::new(account.user_id.as_str(), TokenKind::Access);
            let secret = self
                .cipher
                .open(&grant.access_token, &context)
                .map_err(|e| ServiceError::Internal(e.into()))?;
            return Ok(AccessToken::new(secret));
        }
        let refused = TokenNeed::Replace(grant.clone());
        Ok(self
            .tokens
            .fresh_access_token(account, refused)
            .await?
            .token)
    }
}

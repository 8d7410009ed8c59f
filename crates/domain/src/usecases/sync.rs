//! Pulling the profile and its counts from TikTok.

use crate::account::{ConnectionState, TikTokAccount};
use crate::ports::{TikTokApiError, UserInfo};
use crate::values::UserId;

use super::tokens::Need;
use super::{AccountMetrics, AccountService, Caller, ServiceError};

impl AccountService {
    /// Refreshes the access token if it is about to expire, reads the profile from TikTok and stores it.
    ///
    /// `access_token_invalid` triggers one refresh and one retry; `scope_not_authorized` means the creator
    /// withdrew consent, so the account moves to `reauth_required`. A failed sync leaves stored data as it was.
    pub async fn sync(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<AccountMetrics, ServiceError> {
        self.authorize(caller, user_id)?;
        let account = self.active_account(user_id).await?;
        let info = self.read_profile(&account).await?;
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
            .save_profile(user_id, &info.profile, self.ports.clock.now())
            .await?;
        tracing::info!(user_id = %user_id, "TikTok profile synced");
        Ok(AccountMetrics::of(&saved))
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
    async fn read_profile(&self, account: &TikTokAccount) -> Result<UserInfo, ServiceError> {
        let fresh = self.fresh_access_token(account, Need::IfDue).await?;
        let first = self
            .ports
            .data
            .user_info(&fresh.token, &account.scopes)
            .await;
        let result = match first {
            Err(TikTokApiError::AccessTokenInvalid) => {
                tracing::info!(user_id = %account.user_id, "TikTok refused the access token; refreshing once and retrying");
                // Unless another request already replaced the refused grant, which is then used.
                let fresh = self
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
            Ok(info) => Ok(info),
            Err(TikTokApiError::ScopeNotAuthorized) => {
                tracing::warn!(user_id = %account.user_id, "TikTok says a scope was withdrawn; reauthorization required");
                self.ports
                    .accounts
                    .mark_reauth_required(&account.user_id, self.ports.clock.now())
                    .await?;
                Err(ServiceError::ReauthRequired)
            }
            Err(error) => Err(error.into()),
        }
    }
}

//! Reading a connection: status and stored metrics (no TikTok call).

use crate::values::UserId;

use super::{AccountMetrics, AccountService, Caller, ConnectionStatus, ServiceError};

impl AccountService {
    /// The user's connection status; a user who never connected is `not_connected`, not an error.
    pub async fn status(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<ConnectionStatus, ServiceError> {
        self.authorize(caller, user_id)?;
        let account = self.ports.accounts.find_by_user(user_id).await?;
        Ok(ConnectionStatus::of(user_id.clone(), account)
            .with_reauth_warning(self.ports.clock.now(), self.config.reauth_warning))
    }

    /// The stored counts alone, without the analytics of [`AccountService::metrics_report`] (for library
    /// callers that need only them). A `reauth_required` account still shows its last known counts.
    pub async fn metrics(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<AccountMetrics, ServiceError> {
        self.authorize(caller, user_id)?;
        Ok(AccountMetrics::of(&self.readable_account(user_id).await?))
    }
}

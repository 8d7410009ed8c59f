//! Reading an account in the state a use case needs it in.

use crate::account::{ConnectionState, TikTokAccount};
use crate::ports::AccountRepository;
use crate::values::UserId;

use super::ServiceError;

/// The user's account if it can be used now (connected).
pub(super) async fn active_account(
    accounts: &dyn AccountRepository,
    user_id: &UserId,
) -> Result<TikTokAccount, ServiceError> {
    let account = accounts
        .find_by_user(user_id)
        .await?
        .ok_or(ServiceError::NotConnected)?;
    match account.state {
        ConnectionState::Connected => Ok(account),
        ConnectionState::ReauthRequired => Err(ServiceError::ReauthRequired),
        ConnectionState::Disconnected => Err(ServiceError::NotConnected),
    }
}

/// The account found, if its stored data may be shown: connected or awaiting reauthorization. A
/// disconnected account's history is kept (unless purged) but shown again only after a reconnect.
pub(super) fn readable(found: Option<TikTokAccount>) -> Result<TikTokAccount, ServiceError> {
    match found {
        Some(account) if account.state != ConnectionState::Disconnected => Ok(account),
        _ => Err(ServiceError::NotConnected),
    }
}

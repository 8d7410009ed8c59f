use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RepositoryError;
use crate::account::ConnectionState;
use crate::values::UserId;

/// One account as an operator's listing shows it: no token, no profile beyond the handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountListing {
    /// The product user.
    pub user_id: UserId,
    /// The TikTok handle, when a sync stored one.
    pub username: Option<String>,
    /// Its state.
    pub state: ConnectionState,
    /// When the account last changed (for `reauth_required`: about when it got there).
    pub updated_at: DateTime<Utc>,
    /// When its profile was last synced.
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// Read-only overview of every stored account, for operators (the `accounts` and `sync --all` commands)
/// and the accounts-by-status gauge. Never touches tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AccountDirectory: Send + Sync {
    /// How many accounts are in each state; states without accounts may be left out.
    async fn count_by_state(&self) -> Result<Vec<(ConnectionState, u64)>, RepositoryError>;

    /// Up to `limit` accounts in `state` whose user id sorts after `after` (all when `None`), by user id:
    /// a listing pages through any number of accounts with bounded memory.
    async fn list_by_state(
        &self,
        state: ConnectionState,
        after: Option<UserId>,
        limit: u32,
    ) -> Result<Vec<AccountListing>, RepositoryError>;
}

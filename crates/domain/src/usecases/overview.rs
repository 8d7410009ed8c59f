//! The operator's overview of the accounts: counts by state, and listings page by page.

use std::sync::Arc;

use crate::account::ConnectionState;
use crate::ports::{AccountDirectory, AccountListing};
use crate::values::UserId;

use super::ServiceError;

/// How many accounts are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountCounts {
    /// Connected: tokens held and accepted.
    pub connected: u64,
    /// Waiting for the creator to reconnect.
    pub reauth_required: u64,
    /// Disconnected, no token held.
    pub not_connected: u64,
}

impl AccountCounts {
    /// Every stored account.
    pub fn total(&self) -> u64 {
        self.connected + self.reauth_required + self.not_connected
    }

    /// The count of one state.
    pub fn of(&self, state: ConnectionState) -> u64 {
        match state {
            ConnectionState::Connected => self.connected,
            ConnectionState::ReauthRequired => self.reauth_required,
            ConnectionState::Disconnected => self.not_connected,
        }
    }
}

/// Counts and listings of the stored accounts (no tokens are read).
#[derive(Clone)]
pub struct AccountOverview {
    directory: Arc<dyn AccountDirectory>,
}

impl AccountOverview {
    /// An overview over this directory.
    pub fn new(directory: Arc<dyn AccountDirectory>) -> Self {
        Self { directory }
    }

    /// How many accounts are in each state (absent states count 0).
    pub async fn counts(&self) -> Result<AccountCounts, ServiceError> {
        let mut counts = AccountCounts::default();
        for (state, n) in self.directory.count_by_state().await? {
            match state {
                ConnectionState::Connected => counts.connected += n,
                ConnectionState::ReauthRequired => counts.reauth_required += n,
                ConnectionState::Disconnected => counts.not_connected += n,
            }
        }
        Ok(counts)
    }

    /// The accounts in `state` after `after` (by user id), `limit` of them: call again with the last
    /// user id of a page to get the next one; an empty page ends the listing.
    pub async fn page(
        &self,
        state: ConnectionState,
        after: Option<UserId>,
        limit: u32,
    ) -> Result<Vec<AccountListing>, ServiceError> {
        Ok(self
            .directory
            .list_by_state(state, after, limit.max(1))
            .await?)
    }

    /// Every account in `state`, read `batch` at a time.
    pub async fn all(
        &self,
        state: ConnectionState,
        batch: u32,
    ) -> Result<Vec<AccountListing>, ServiceError> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = self.page(state, after, batch).await?;
            let Some(last) = page.last() else {
                return Ok(all);
            };
            after = Some(last.user_id.clone());
            all.extend(page);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use mockall::predicate::eq;

    use super::*;
    use crate::ports::{MockAccountDirectory, RepositoryError};

    fn listing(user: &str) -> AccountListing {
        AccountListing {
            user_id: UserId::parse(user).expect("user id"),
            username: None,
            state: ConnectionState::ReauthRequired,
            updated_at: Utc.timestamp_opt(0, 0).single().expect("time"),
            last_sync_at: None,
        }
    }

    #[tokio::test]
    async fn counts_add_up_by_state_and_missing_states_count_zero() {
        let mut directory = MockAccountDirectory::new();
        directory.expect_count_by_state().returning(|| {
            Ok(vec![
                (ConnectionState::Connected, 7),
                (ConnectionState::ReauthRequired, 2),
            ])
        });
        let counts = AccountOverview::new(Arc::new(directory))
            .counts()
            .await
            .expect("counts");
        assert_eq!((counts.connected, counts.reauth_required), (7, 2));
        assert_eq!(counts.not_connected, 0);
        assert_eq!(counts.total(), 9);
        assert_eq!(counts.of(ConnectionState::ReauthRequired), 2);
    }

    #[tokio::test]
    async fn all_pages_through_by_the_last_user_id_until_an_empty_page() {
        let mut directory = MockAccountDirectory::new();
        let state = ConnectionState::ReauthRequired;
        directory
            .expect_list_by_state()
            .with(eq(state), eq(None), eq(2))
            .returning(|_, _, _| Ok(vec![listing("a"), listing("b")]));
        directory
            .expect_list_by_state()
            .with(eq(state), eq(Some(UserId::parse("b").expect("id"))), eq(2))
            .returning(|_, _, _| Ok(vec![listing("c")]));
        directory
            .expect_list_by_state()
            .with(eq(state), eq(Some(UserId::parse("c").expect("id"))), eq(2))
            .returning(|_, _, _| Ok(vec![]));
        let all = AccountOverview::new(Arc::new(directory))
            .all(state, 2)
            .await
            .expect("listing");
        let users: Vec<&str> = all.iter().map(|a| a.user_id.as_str()).collect();
        assert_eq!(users, ["a", "b", "c"]);
    }

    #[tokio::test]
    async fn storage_down_is_the_services_unavailable_error() {
        let mut directory = MockAccountDirectory::new();
        directory
            .expect_count_by_state()
            .returning(|| Err(RepositoryError::Unavailable("down".into())));
        let error = AccountOverview::new(Arc::new(directory))
            .counts()
            .await
            .expect_err("storage down");
        assert!(
            matches!(error, ServiceError::DatabaseUnavailable(_)),
            "{error:?}"
        );
    }
}

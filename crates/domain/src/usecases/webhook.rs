//! TikTok's `authorization.removed` webhook: the creator (or TikTok) ended the authorization.

use chrono::{DateTime, Utc};

use crate::account::DisconnectReason;
use crate::events::DisconnectCause;
use crate::values::OpenId;

use super::{Connections, ServiceError};

/// What became of an `authorization.removed` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalOutcome {
    /// The account was disconnected and its tokens erased.
    Disconnected,
    /// No active account has this `open_id` (never connected, or already disconnected: a redelivery).
    NoActiveAccount,
    /// The event predates the account's current connection (a late redelivery after a reconnect); ignored.
    Stale,
}

impl Connections {
    /// Handles `authorization.removed`: erases the tokens at once and disconnects the account, keeping the
    /// reason. Idempotent: TikTok delivers at least once, and a redelivery finds nothing active to change.
    /// An event older than the current connection is ignored, so a late redelivery cannot undo a reconnect.
    /// With the reason "account deleted", everything stored of the account is erased too (videos, history,
    /// profile); the row keeps only its state and the reason, which the status body shows.
    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    pub async fn authorization_removed(
        &self,
        open_id: &OpenId,
        reason: DisconnectReason,
        event_time: DateTime<Utc>,
    ) -> Result<RemovalOutcome, ServiceError> {
        let Some(account) = self.accounts.find_active_by_open_id(open_id).await? else {
            tracing::info!(
                reason = reason.as_str(),
                "authorization.removed for no active account; acknowledged"
            );
            return Ok(RemovalOutcome::NoActiveAccount);
        };
        tracing::Span::current().record("user_id", tracing::field::display(&account.user_id));
        // TikTok's create_time has whole seconds: an event of the same second as the connection is not stale.
        if event_time.timestamp() < account.connected_at.timestamp() {
            tracing::info!("authorization.removed older than the current connection; ignored");
            return Ok(RemovalOutcome::Stale);
        }
        self.accounts
            .disconnect(
                &account.user_id,
                DisconnectCause::TikTok(reason),
                self.clock.now(),
            )
            .await?;
        tracing::info!(
            reason = reason.as_str(),
            "TikTok removed the authorization; disconnected"
        );
        if reason == DisconnectReason::AccountDeleted {
            // The TikTok account is gone: nothing of it is kept but the row saying why the connection ended.
            self.content.purge(&account.user_id).await?;
            self.accounts.erase_profile(&account.user_id).await?;
            tracing::info!("TikTok account deleted; its videos, history and profile erased");
        }
        Ok(RemovalOutcome::Disconnected)
    }
}

//! `tiktok.account.reauth_due`: the background refresher's round also looks for connections whose refresh
//! token expires within the warning window (`reauth_warning`, the status body's `reauth_due_at`), and
//! reports each once per grant.

use crate::events::account_events;

use super::{BackgroundRounds, ServiceError};

/// Connections looked at per round.
const WARNING_BATCH: u32 = 500;

impl BackgroundRounds {
    /// Writes `tiktok.account.reauth_due` for each connected account whose refresh token expires within
    /// the warning window and was not reported yet. Returns how many were reported (by this replica: of
    /// replicas finding the same account at once, one writes it).
    ///
    /// # Errors
    /// The storage failed; the next round tries again.
    pub async fn report_reauth_due(&self) -> Result<u64, ServiceError> {
        let now = self.clock.now();
        let until = now + self.config.reauth_warning;
        let due = self
            .schedule
            .due_for_reauth_warning(now, until, WARNING_BATCH)
            .await?;
        let mut reported = 0;
        for warning in due {
            let event =
                account_events::reauth_due(&warning.user_id, warning.refresh_token_expires_at, now);
            if self
                .schedule
                .record_reauth_warning(&warning, &event)
                .await?
            {
                reported += 1;
            }
        }
        if reported > 0 {
            tracing::info!(
                reported,
                "refresh tokens nearing expiry reported (reauth_due)"
            );
        }
        Ok(reported)
    }
}

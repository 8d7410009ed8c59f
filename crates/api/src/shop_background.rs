//! The TikTok Shop token refresher of one replica: a round every `background.refresh_interval_seconds`
//! renews the Shop access tokens that expire within twice the refresh margin, beside the account refresher
//! and stopped by the same signal (between sellers; a refresh in flight finishes and is stored).

use std::time::Duration;

use tiktok_domain::shop::{ShopError, ShopRefreshReport, ShopTokens};
use tokio::sync::watch;

use crate::background::sleep_or_stop;

/// Sellers looked at per round.
const REFRESH_BATCH: u32 = 500;

/// Runs Shop refresh rounds until stopped. Rounds can also be run by hand (tests).
pub struct ShopRefresher {
    tokens: ShopTokens,
    stop: watch::Receiver<bool>,
}

impl ShopRefresher {
    /// A refresher that stops once `stop` says `true`.
    pub fn new(tokens: ShopTokens, stop: watch::Receiver<bool>) -> Self {
        Self { tokens, stop }
    }

    /// One round, logged and counted.
    pub async fn refresh_round(&self) -> Result<ShopRefreshReport, ShopError> {
        let stop = self.stop.clone();
        let stopping = move || *stop.borrow();
        let result = self.tokens.refresh_due(REFRESH_BATCH, &stopping).await;
        let outcome = if result.is_ok() { "done" } else { "failed" };
        metrics::counter!("tiktok_shop_refresh_rounds_total", "outcome" => outcome).increment(1);
        match &result {
            Ok(r) => tracing::info!(
                refreshed = r.refreshed,
                failed = r.failed,
                skipped = r.skipped,
                "background Shop refresh round done"
            ),
            Err(error) => tracing::warn!(%error, "background Shop refresh round failed"),
        }
        result
    }

    /// The loop: a round, then `every`, until the stop signal.
    pub async fn run(self: std::sync::Arc<Self>, every: Duration) {
        let mut stop = self.stop.clone();
        while !*stop.borrow() {
            let _ = self.refresh_round().await;
            if sleep_or_stop(every, &mut stop).await {
                break;
            }
        }
    }
}

//! The TikTok Shop token refresher of one replica: a round every `background.refresh_interval_seconds`
//! renews the Shop access tokens that expire within twice the refresh margin, beside the account refresher
//! and stopped by the same signal (between sellers; a refresh in flight finishes and is stored). Each round
//! also forgets the webhook notification ids older than TikTok's retry window, so that table stays small.

use std::time::Duration;

use tiktok_domain::shop::{ShopError, ShopRefreshReport, ShopTokens, ShopWebhook};
use tokio::sync::watch;

use crate::background::sleep_or_stop;

/// Sellers looked at per round.
const REFRESH_BATCH: u32 = 500;

/// Runs Shop refresh rounds until stopped. Rounds can also be run by hand (tests).
pub struct ShopRefresher {
    tokens: ShopTokens,
    webhook: ShopWebhook,
    stop: watch::Receiver<bool>,
}

impl ShopRefresher {
    /// A refresher that stops once `stop` says `true`.
    pub fn new(tokens: ShopTokens, webhook: ShopWebhook, stop: watch::Receiver<bool>) -> Self {
        Self {
            tokens,
            webhook,
            stop,
        }
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
        match self.webhook.forget_old_notifications().await {
            Ok(forgotten) if forgotten > 0 => {
                tracing::info!(forgotten, "old Shop webhook notification ids forgotten");
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "could not forget old Shop webhook notification ids")
            }
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

//! Pacing: every Display API request takes a slot of the shared request budget before it is sent.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;
use tiktok_domain::ports::{ApiEndpoint, BudgetError, RequestBudget, TikTokApiError};

use crate::client::TikTokHttpClient;

/// How long pacing waits before asking a budget whose storage failed again.
pub(crate) const UNAVAILABLE_PAUSE: Duration = Duration::from_millis(100);

impl TikTokHttpClient {
    /// Paces every Display API request with `budget` (TikTok's per-endpoint limit; shared by every
    /// replica when the budget lives in the database). Without one, requests are not paced.
    pub fn with_request_budget(mut self, budget: Arc<dyn RequestBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Takes a slot for `endpoint`, waiting at most `pacing_max_wait`. A spent budget is
    /// [`TikTokApiError::RateLimited`] with the wait, and no request is sent.
    ///
    /// Pacing fails closed: a budget whose storage is down (database down, pool exhausted) is asked again
    /// every [`UNAVAILABLE_PAUSE`] within the same `pacing_max_wait`; if it never answers, no request is
    /// sent and the answer is [`TikTokApiError::BudgetUnavailable`] (503 `database_unavailable`), so that
    /// an outage never lets requests out unpaced, over TikTok's quota.
    async fn pace(&self, endpoint: ApiEndpoint) -> Result<(), TikTokApiError> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        let started = std::time::Instant::now();
        let acquired = self.acquire_failing_closed(budget.as_ref(), endpoint).await;
        let outcome = match &acquired {
            Ok(()) => "admitted",
            Err(BudgetError::Exhausted { .. }) => "exhausted",
            Err(BudgetError::Unavailable(_)) => "budget_unavailable",
        };
        metrics::counter!("tiktok_pacing_total", "endpoint" => endpoint.as_str(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("tiktok_pacing_wait_seconds", "endpoint" => endpoint.as_str())
            .record(started.elapsed().as_secs_f64());
        match acquired {
            Ok(()) => Ok(()),
            Err(BudgetError::Exhausted { retry_after }) => {
                tracing::info!(
                    endpoint = endpoint.as_str(),
                    retry_after_ms = u64::try_from(retry_after.as_millis()).unwrap_or(u64::MAX),
                    "TikTok request budget spent; request not sent"
                );
                Err(TikTokApiError::RateLimited {
                    retry_after: Some(retry_after),
                })
            }
            Err(BudgetError::Unavailable(error)) => {
                tracing::warn!(endpoint = endpoint.as_str(), %error, "request budget unavailable; request not sent");
                Err(TikTokApiError::BudgetUnavailable(error))
            }
        }
    }

    /// A slot within `pacing_max_wait`, asking again while the budget's storage fails; the last failure
    /// when it never answers.
    async fn acquire_failing_closed(
        &self,
        budget: &dyn RequestBudget,
        endpoint: ApiEndpoint,
    ) -> Result<(), BudgetError> {
        let deadline = Instant::now() + self.config.pacing_max_wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match budget.acquire(endpoint, left).await {
                Err(BudgetError::Unavailable(error))
                    if Instant::now() + UNAVAILABLE_PAUSE < deadline =>
                {
                    tracing::info!(endpoint = endpoint.as_str(), %error, "request budget unavailable; asking again");
                    tokio::time::sleep(UNAVAILABLE_PAUSE).await;
                }
                other => return other,
            }
        }
    }

    /// One paced Display API call: a slot first, then the request.
    pub(crate) async fn paced<T: DeserializeOwned>(
        &self,
        endpoint: ApiEndpoint,
        request: RequestBuilder,
    ) -> Result<T, TikTokApiError> {
        self.pace(endpoint).await?;
        self.display(endpoint.as_str(), request).await
    }
}

//! Pacing: every Display API request takes a slot of the shared request budget before it is sent.

use std::sync::Arc;

use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;
use tiktok_domain::ports::{ApiEndpoint, BudgetError, RequestBudget, TikTokApiError};

use crate::client::TikTokHttpClient;

impl TikTokHttpClient {
    /// Paces every Display API request with `budget` (TikTok's per-endpoint limit; shared by every
    /// replica when the budget lives in the database). Without one, requests are not paced.
    pub fn with_request_budget(mut self, budget: Arc<dyn RequestBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Takes a slot for `endpoint`, waiting at most `pacing_max_wait`. A spent budget is
    /// [`TikTokApiError::RateLimited`] with the wait, and no request is sent. A budget whose storage is
    /// down does not block TikTok calls (logged): TikTok's own 429 still protects the limit.
    async fn pace(&self, endpoint: ApiEndpoint) -> Result<(), TikTokApiError> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        let started = std::time::Instant::now();
        let acquired = budget.acquire(endpoint, self.config.pacing_max_wait).await;
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
            Err(error @ BudgetError::Unavailable(_)) => {
                tracing::warn!(endpoint = endpoint.as_str(), %error, "request budget unavailable; sending unpaced");
                Ok(())
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

use std::time::Duration;

use async_trait::async_trait;

use super::BoxError;

/// A TikTok Display API endpoint with its own rate limit (TikTok limits each one separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiEndpoint {
    /// `GET /v2/user/info/`.
    UserInfo,
    /// `POST /v2/video/list/`.
    VideoList,
    /// `POST /v2/video/query/`.
    VideoQuery,
}

impl ApiEndpoint {
    /// Every endpoint, in a fixed order.
    pub const ALL: [ApiEndpoint; 3] = [
        ApiEndpoint::UserInfo,
        ApiEndpoint::VideoList,
        ApiEndpoint::VideoQuery,
    ];

    /// The name stored and logged (`user_info`, `video_list`, `video_query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ApiEndpoint::UserInfo => "user_info",
            ApiEndpoint::VideoList => "video_list",
            ApiEndpoint::VideoQuery => "video_query",
        }
    }
}

/// The answer of [`RequestBudget::try_acquire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A slot was taken: send the request now.
    Granted,
    /// The window is full; a slot frees after this long (another caller may take it first).
    WaitFor(Duration),
}

/// Why no slot could be had.
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    /// No slot frees within the longest wait the caller accepts.
    #[error("the TikTok request budget is spent; a slot frees in {retry_after:?}")]
    Exhausted {
        /// When a slot is expected to free.
        retry_after: Duration,
    },
    /// The shared budget's storage is down.
    #[error("the TikTok request budget is unavailable")]
    Unavailable(#[source] BoxError),
}

/// A budget of TikTok requests per endpoint in a sliding window, shared by whoever holds it: one process
/// (in memory) or every replica (through the database). The window arithmetic is [`crate::pacing::Pacing`].
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RequestBudget: Send + Sync {
    /// Takes a slot for one request to `endpoint` if the window has one now; never waits.
    ///
    /// # Errors
    /// MUST be atomic across every holder of the budget: two callers never take the last slot both.
    async fn try_acquire(&self, endpoint: ApiEndpoint) -> Result<Admission, BudgetError>;

    /// Takes a slot, sleeping until one frees, for at most `max_wait`.
    ///
    /// # Errors
    /// [`BudgetError::Exhausted`] when no slot frees within `max_wait` (nothing is taken then), or
    /// [`BudgetError::Unavailable`].
    async fn acquire(&self, endpoint: ApiEndpoint, max_wait: Duration) -> Result<(), BudgetError> {
        let started = tokio::time::Instant::now();
        loop {
            let wait = match self.try_acquire(endpoint).await? {
                Admission::Granted => return Ok(()),
                Admission::WaitFor(wait) => wait.max(Duration::from_millis(1)),
            };
            if started.elapsed() + wait > max_wait {
                return Err(BudgetError::Exhausted { retry_after: wait });
            }
            tokio::time::sleep(wait).await;
        }
    }
}

//! The one retry policy of TikTok reads (Display API and Shop): `backon`'s exponential backoff with jitter,
//! bounded in count and in time, and a `Retry-After` from TikTok honoured over the computed delay.

use std::future::Future;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable as _};
use tiktok_domain::ports::TikTokApiError;
use tiktok_domain::shop::ShopApiError;

/// How often and how long a read is retried; built from a client's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Extra attempts after the first.
    pub retries: u32,
    /// Retry `n` (from 0) waits less than `base * 2^n`.
    pub base: Duration,
    /// No retry starts once this much time has passed since the first attempt; no delay is longer.
    pub max_total: Duration,
}

impl RetryPolicy {
    /// Delays in `[ceiling / 2, ceiling)` with `ceiling = min(base * 2^n, max_total)`: backon's jitter adds a
    /// random fraction of the delay to it, so the builder starts at half the ceiling to stay under it.
    fn backoff(&self) -> ExponentialBuilder {
        let cap = self.max_total / 2;
        ExponentialBuilder::new()
            .with_jitter()
            .with_factor(2.0)
            .with_min_delay((self.base / 2).min(cap))
            .with_max_delay(cap)
            .with_max_times(usize::try_from(self.retries).unwrap_or(usize::MAX))
    }
}

/// Whether an error is worth another attempt, and when TikTok said to come back.
pub(crate) trait Transient {
    /// `None`: fails for good. `Some(after)`: retry, after `after` when TikTok said so (`Retry-After`).
    fn retry_after(&self) -> Option<Option<Duration>>;
}

impl Transient for TikTokApiError {
    fn retry_after(&self) -> Option<Option<Duration>> {
        match self {
            TikTokApiError::Unavailable(_) => Some(None),
            TikTokApiError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

impl Transient for ShopApiError {
    fn retry_after(&self) -> Option<Option<Duration>> {
        match self {
            ShopApiError::Unavailable(_) => Some(None),
            ShopApiError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

/// Runs `call` until it succeeds, fails for good, or the retry budget is spent. Only [`Transient`] errors
/// are retried; `on_retry` sees each of them with the attempt about to start (1 for the first retry) and
/// the delay before it.
pub(crate) async fn with_retries<T, E, F, Fut>(
    policy: RetryPolicy,
    call: F,
    mut on_retry: impl FnMut(&E, u32, Duration),
) -> Result<T, E>
where
    E: Transient,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let started = Instant::now();
    let mut attempt = 0u32;
    call.retry(policy.backoff())
        .sleep(tokio::time::sleep)
        .when(|error: &E| error.retry_after().is_some())
        .adjust(|error, next| {
            // `next` is None once the retries are spent: then not even a Retry-After earns another attempt.
            let delay = error.retry_after().flatten().unwrap_or(next?);
            // Saturating: a huge Retry-After from TikTok must end the retries, not overflow.
            (started.elapsed().saturating_add(delay) <= policy.max_total).then_some(delay)
        })
        .notify(|error, delay| {
            attempt += 1;
            on_retry(error, attempt, delay);
        })
        .await
}

/// A delay as whole milliseconds, for logs.
pub(crate) fn millis(delay: Duration) -> u64 {
    u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use backon::BackoffBuilder as _;

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            retries: 2,
            base: Duration::from_millis(200),
            max_total: Duration::from_secs(5),
        }
    }

    #[test]
    fn jitter_stays_under_the_exponential_ceiling_and_spreads() {
        let three = RetryPolicy {
            retries: 3,
            ..policy()
        };
        let third: Vec<Duration> = (0..50)
            .map(|_| three.backoff().build().nth(2).expect("a third delay"))
            .collect();
        // Retry 2 (the third) waits under base * 2^2.
        assert!(third.iter().all(|d| *d < Duration::from_millis(800)));
        assert!(third.iter().any(|d| *d != third[0]));
        let long = RetryPolicy {
            retries: 30,
            ..policy()
        };
        assert!(long
            .backoff()
            .build()
            .all(|d| d <= long.max_total && d > Duration::ZERO));
        assert_eq!(
            policy().backoff().build().count(),
            2,
            "as many delays as retries"
        );
    }

    fn unavailable() -> TikTokApiError {
        TikTokApiError::Unavailable("down".into())
    }

    async fn count_calls(policy: RetryPolicy, error: fn() -> TikTokApiError) -> u32 {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = with_retries(
            policy,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(error())
            },
            |_, _, _| {},
        )
        .await;
        assert!(result.is_err());
        calls.load(Ordering::SeqCst)
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_retried_as_often_as_allowed_and_others_never() {
        assert_eq!(count_calls(policy(), unavailable).await, 3);
        assert_eq!(
            count_calls(policy(), || TikTokApiError::AccessTokenInvalid).await,
            1
        );
        let none = RetryPolicy {
            retries: 0,
            ..policy()
        };
        assert_eq!(count_calls(none, unavailable).await, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_is_honoured_unless_it_passes_the_time_budget() {
        let mut delays = Vec::new();
        let result: Result<(), _> = with_retries(
            policy(),
            || async {
                Err(TikTokApiError::RateLimited {
                    retry_after: Some(Duration::from_secs(1)),
                })
            },
            |_, attempt, delay| delays.push((attempt, delay)),
        )
        .await;
        assert!(result.is_err());
        assert_eq!(
            delays,
            [(1, Duration::from_secs(1)), (2, Duration::from_secs(1))]
        );
        let far = || TikTokApiError::RateLimited {
            retry_after: Some(Duration::from_secs(u64::MAX)),
        };
        assert_eq!(count_calls(policy(), far).await, 1, "no overflow, no wait");
    }
}

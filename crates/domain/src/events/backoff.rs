use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// How deliveries are retried: exponential backoff from `first_retry`, doubling up to `max_delay`, with
/// jitter, until `window` after the delivery was created; then it is marked failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay after the first failed attempt.
    pub first_retry: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// How long after its creation a delivery is still retried (about a day).
    pub window: Duration,
}

impl Default for RetryPolicy {
    /// 30 s doubling to at most 2 h, for 24 h: about 20 attempts.
    fn default() -> Self {
        Self {
            first_retry: Duration::from_secs(30),
            max_delay: Duration::from_secs(2 * 3600),
            window: Duration::from_secs(24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The delay before the next attempt after `failed_attempts` failures (≥ 1), before jitter.
    pub fn base_delay(&self, failed_attempts: u32) -> Duration {
        let doublings = failed_attempts.saturating_sub(1).min(30);
        self.first_retry
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }

    /// The delay with jitter: `base × (0.5 + jitter/2)` for `jitter` in `[0, 1)`, so that receivers
    /// coming back are not hit by every replica's retries at once, while the delay never falls below half.
    pub fn delay(&self, failed_attempts: u32, jitter: f64) -> Duration {
        let jitter = jitter.clamp(0.0, 1.0);
        self.base_delay(failed_attempts).mul_f64(0.5 + jitter / 2.0)
    }

    /// When to try next, or `None` when the next attempt would fall outside the retry window (the
    /// delivery is then marked failed).
    pub fn next_attempt(
        &self,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        failed_attempts: u32,
        jitter: f64,
    ) -> Option<DateTime<Utc>> {
        let next = now + TimeDelta::from_std(self.delay(failed_attempts, jitter)).ok()?;
        let deadline = created_at + TimeDelta::from_std(self.window).ok()?;
        (next <= deadline).then_some(next)
    }
}

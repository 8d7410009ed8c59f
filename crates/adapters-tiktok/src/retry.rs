//! Retries of Display API reads: exponential backoff with full jitter, bounded in count and time.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher as _};
use std::time::{Duration, Instant};

use tiktok_domain::ports::TikTokApiError;

use crate::config::TikTokClientConfig;

/// Runs `call` until it succeeds, fails for good, or the retry budget is spent. Retries network errors,
/// 5xx and 429 only.
pub(crate) async fn read_with_retries<T, F, Fut>(
    config: &TikTokClientConfig,
    endpoint: &'static str,
    mut call: F,
) -> Result<T, TikTokApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, TikTokApiError>>,
{
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let retry_after = match &error {
            TikTokApiError::Unavailable(_) => None,
            TikTokApiError::RateLimited { retry_after } => *retry_after,
            _ => return Err(error),
        };
        if attempt >= config.read_retries {
            return Err(error);
        }
        let delay = retry_after.unwrap_or_else(|| full_jitter(config, attempt));
        // Saturating: a huge Retry-After from TikTok must end the retries, not overflow.
        if started.elapsed().saturating_add(delay) > config.retry_max_total {
            return Err(error);
        }
        attempt += 1;
        tracing::info!(
            endpoint,
            attempt,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            %error,
            "retrying a TikTok read"
        );
        tokio::time::sleep(delay).await;
    }
}

/// A random delay between zero and `base * 2^attempt`, capped at the total budget.
fn full_jitter(config: &TikTokClientConfig, attempt: u32) -> Duration {
    let ceiling = config
        .retry_base_delay
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(config.retry_max_total);
    ceiling.mul_f64(random_unit())
}

/// A number in `[0, 1)`. `RandomState` is seeded from the OS and re-keyed per instance: plenty for jitter,
/// which needs spread, not secrecy.
pub(crate) fn random_unit() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    #[test]
    fn jitter_stays_under_the_exponential_ceiling_and_spreads() {
        let config = TikTokClientConfig::new("k", SecretString::from("s"));
        let delays: Vec<Duration> = (0..50).map(|_| full_jitter(&config, 2)).collect();
        assert!(delays.iter().all(|d| *d < Duration::from_millis(800)));
        assert!(delays.iter().any(|d| *d != delays[0]));
        assert!(full_jitter(&config, 30) <= config.retry_max_total);
    }
}

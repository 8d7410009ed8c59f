//! A per-caller limit on the endpoints that call TikTok (`auth/init`, `auth/callback`, `sync`), so that one
//! caller cannot spend the service's TikTok quota. Keyed by the authenticated caller; GCRA via `governor`.

use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::http::StatusCode;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tiktok_domain::usecases::Caller;

use crate::error::ApiError;
use crate::settings::RateLimitSettings;

/// Above this many remembered callers, callers whose allowance is full again are forgotten.
const PRUNE_AT: usize = 10_000;

/// The limiter, kept in app data as `web::Data<CallerRateLimiter>`; the TikTok-backed handlers call
/// [`CallerRateLimiter::check`] right after authentication.
#[derive(Debug)]
pub struct CallerRateLimiter {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
}

impl CallerRateLimiter {
    /// A limiter of `per_caller_per_minute` calls with bursts of `burst`; either at 0 disables it.
    pub fn new(settings: &RateLimitSettings) -> Self {
        let quota = NonZeroU32::new(settings.per_caller_per_minute)
            .zip(NonZeroU32::new(settings.burst))
            .map(|(rate, burst)| Quota::per_minute(rate).allow_burst(burst));
        Self {
            limiter: quota.map(RateLimiter::keyed),
        }
    }

    /// A limiter that lets everything through.
    pub fn disabled() -> Self {
        Self { limiter: None }
    }

    /// Counts one call of `caller`; over the limit, 429 `rate_limited` with `Retry-After`.
    pub fn check(&self, caller: &Caller) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() >= PRUNE_AT {
            limiter.retain_recent();
        }
        let key = key(caller);
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(limiter.clock().now());
            tracing::info!(caller = %key, wait_ms = wait.as_millis() as u64, "caller rate-limited");
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests to TikTok-backed endpoints; retry later",
            )
            .retry_after(Some(wait.max(Duration::from_secs(1))))
        })
    }
}

/// The limiter's key of a caller: `user:<id>` or `service:<name>`.
pub fn key(caller: &Caller) -> String {
    match caller {
        Caller::User(user) => format!("user:{}", user.as_str()),
        Caller::Service { name } => format!("service:{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiktok_domain::UserId;

    fn user(id: &str) -> Caller {
        Caller::User(UserId::parse(id).expect("a user id"))
    }

    fn limiter(per_minute: u32, burst: u32) -> CallerRateLimiter {
        CallerRateLimiter::new(&RateLimitSettings {
            per_caller_per_minute: per_minute,
            burst,
        })
    }

    #[test]
    fn keys_name_the_kind_of_caller() {
        assert_eq!(key(&user("42")), "user:42");
        let service = Caller::Service {
            name: "billing".into(),
        };
        assert_eq!(key(&service), "service:billing");
    }

    #[test]
    fn the_call_after_the_burst_is_refused_with_retry_after() {
        let limiter = limiter(2, 2);
        assert!(limiter.check(&user("42")).is_ok());
        assert!(limiter.check(&user("42")).is_ok());
        let refused = limiter.check(&user("42")).expect_err("over the burst");
        assert_eq!(refused.code(), "rate_limited");
        let response = actix_web::ResponseError::error_response(&refused);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let after: u64 = response
            .headers()
            .get("retry-after")
            .expect("Retry-After")
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&after), "Retry-After {after}");
        assert!(
            limiter.check(&user("43")).is_ok(),
            "another caller has its own allowance"
        );
    }

    #[test]
    fn zero_disables_the_limit() {
        for limiter in [
            limiter(0, 10),
            limiter(30, 0),
            CallerRateLimiter::disabled(),
        ] {
            for _ in 0..100 {
                assert!(limiter.check(&user("42")).is_ok());
            }
        }
    }
}

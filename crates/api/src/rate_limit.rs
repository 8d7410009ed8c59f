//! Per-caller budgets of TikTok calls on the endpoints that call TikTok (`auth/init`, `auth/callback`,
//! `sync`), so that one caller cannot spend the service's TikTok quota. Keyed by the authenticated caller.
//!
//! A budget counts TikTok calls, not requests: a request is refused up front when its caller has no call
//! left ([`CallerRateLimiter::check`] takes one), and once it is answered the calls it really made are
//! charged ([`CallerRateLimiter::settle`]): a sync that listed 50 pages costs 51 calls; a request costs at
//! least one, TikTok called or not, so that the limit still holds back floods. A caller may go
//! into debt by one request's calls; it is then refused until the debt is paid back at the sustained rate.
//! Creators and internal services (`tiktok:admin`) have separate budgets, sized in `[rate_limit]`.
//!
//! The arithmetic is GCRA: each caller has a theoretical arrival time (TAT) that every call moves one
//! emission interval (a minute over the rate) later; a call is admitted while the TAT is at most the burst's
//! worth of intervals ahead of now.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use tiktok_domain::usecases::Caller;

use crate::error::ApiError;
use crate::settings::RateLimitSettings;

/// Above this many remembered callers, callers whose allowance is full again are forgotten.
const PRUNE_AT: usize = 10_000;

/// One kind of caller's budget: `burst` calls at once, refilled at `per_minute`.
#[derive(Debug)]
struct Budget {
    interval: Duration,
    tolerance: Duration,
    tats: Mutex<HashMap<String, Instant>>,
}

impl Budget {
    /// `None` (no limit) when either figure is 0.
    fn new(per_minute: u32, burst: u32) -> Option<Self> {
        if per_minute == 0 || burst == 0 {
            return None;
        }
        let interval = Duration::from_secs(60) / per_minute;
        Some(Self {
            interval,
            tolerance: interval.saturating_mul(burst),
            tats: Mutex::new(HashMap::new()),
        })
    }

    /// Takes one call for `key` now, or answers how long until one is available.
    fn admit(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut tats = self.tats.lock().unwrap_or_else(PoisonError::into_inner);
        if tats.len() >= PRUNE_AT {
            tats.retain(|_, tat| *tat > now);
        }
        let tat = tats.get(key).copied().unwrap_or(now).max(now);
        let next = tat + self.interval;
        if next.duration_since(now) > self.tolerance {
            return Err(next.duration_since(now) - self.tolerance);
        }
        tats.insert(key.to_owned(), next);
        Ok(())
    }

    /// Charges `key` `calls` more calls.
    fn adjust(&self, key: &str, calls: i64, now: Instant) {
        if calls <= 0 {
            return;
        }
        let mut tats = self.tats.lock().unwrap_or_else(PoisonError::into_inner);
        let tat = tats.get(key).copied().unwrap_or(now).max(now);
        let shift = self
            .interval
            .saturating_mul(u32::try_from(calls).unwrap_or(u32::MAX));
        tats.insert(key.to_owned(), tat + shift);
    }
}

/// The limiter, kept in app data as `web::Data<CallerRateLimiter>`; the TikTok-backed handlers call
/// [`CallerRateLimiter::check`] right after authentication and, where a request may make more or fewer
/// than one TikTok call, [`CallerRateLimiter::settle`] once it is answered.
#[derive(Debug)]
pub struct CallerRateLimiter {
    creators: Option<Budget>,
    services: Option<Budget>,
}

impl CallerRateLimiter {
    /// Creators get `per_caller_per_minute` calls with bursts of `burst`; internal services
    /// `admin_per_minute` with bursts of `admin_burst`. A 0 disables that budget.
    pub fn new(settings: &RateLimitSettings) -> Self {
        Self {
            creators: Budget::new(settings.per_caller_per_minute, settings.burst),
            services: Budget::new(settings.admin_per_minute, settings.admin_burst),
        }
    }

    /// A limiter that lets everything through.
    pub fn disabled() -> Self {
        Self {
            creators: None,
            services: None,
        }
    }

    fn budget(&self, caller: &Caller) -> Option<&Budget> {
        match caller {
            Caller::User(_) => self.creators.as_ref(),
            Caller::Service { .. } => self.services.as_ref(),
        }
    }

    /// Takes one TikTok call of `caller`'s budget; when none is left, 429 `rate_limited` with
    /// `Retry-After`.
    pub fn check(&self, caller: &Caller) -> Result<(), ApiError> {
        let Some(budget) = self.budget(caller) else {
            return Ok(());
        };
        let key = key(caller);
        budget.admit(&key, Instant::now()).map_err(|wait| {
            tracing::info!(caller = %key, wait_ms = wait.as_millis() as u64, "caller rate-limited");
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many TikTok calls for this caller; retry later",
            )
            .retry_after(Some(wait.max(Duration::from_secs(1))))
        })
    }

    /// After a request that passed [`CallerRateLimiter::check`]: charges the TikTok calls it really made
    /// (the one taken up front counts as the first). A request costs at least that one call, TikTok
    /// called or not, so that requests answered without TikTok still cannot flood the service.
    pub fn settle(&self, caller: &Caller, tiktok_calls: u32) {
        if let Some(budget) = self.budget(caller) {
            let more = i64::from(tiktok_calls.max(1)) - 1;
            budget.adjust(&key(caller), more, Instant::now());
        }
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
mod tests;

//! Pacing of TikTok requests: the sliding-window arithmetic, pure, in one place.
//!
//! TikTok limits each Display API endpoint to a number of requests in any sliding minute (600 by default).
//! [`Pacing`] answers one question: given the instants of the requests already let through, how long must
//! the next one wait? Two rules apply together: at most `limit` requests in any 60-second window (TikTok's
//! rule), and at most `ceil(limit / 60)` in any 1-second window, so that a backlog goes out evenly
//! (about 10 per second) instead of as one burst at the start of each minute.
//!
//! Instants are [`Duration`]s since any fixed origin (an in-process `Instant`, or the Unix epoch for a
//! budget shared through the database): only differences matter.

#[cfg(any(test, feature = "testing"))]
mod memory;

#[cfg(test)]
mod tests;

use std::time::Duration;

#[cfg(any(test, feature = "testing"))]
pub use memory::InMemoryRequestBudget;

/// TikTok's window.
pub const MINUTE: Duration = Duration::from_secs(60);

/// The smoothing window.
const SECOND: Duration = Duration::from_secs(1);

/// How many requests an endpoint may receive in a sliding window, and the smoothing derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    limit: u32,
    window: Duration,
}

impl Pacing {
    /// `limit` requests in any sliding minute; `0` switches pacing off.
    pub fn per_minute(limit: u32) -> Self {
        Self {
            limit,
            window: MINUTE,
        }
    }

    /// The most requests in one window (`0`: unlimited).
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window the limit applies to.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The most requests in any one second: `ceil(limit / 60)` for a one-minute window, at least 1.
    pub fn per_second(&self) -> u32 {
        let seconds = u32::try_from(self.window.as_secs().max(1)).unwrap_or(u32::MAX);
        self.limit.div_ceil(seconds).max(1)
    }

    /// How long a request arriving at `now` must wait; `None` when it may go now.
    ///
    /// `taken` holds the instants of the requests already let through, in any order; instants older than
    /// the window are ignored, so a caller may pass more history than needed.
    pub fn wait(&self, taken: &[Duration], now: Duration) -> Option<Duration> {
        if self.limit == 0 {
            return None;
        }
        let minute = rule_wait(taken, now, self.window, self.limit);
        let second = rule_wait(taken, now, SECOND, self.per_second());
        minute.max(second)
    }

    /// Whether a request let through at `at` no longer counts at `now` (a caller may forget it).
    pub fn is_stale(&self, at: Duration, now: Duration) -> bool {
        at + self.window <= now
    }
}

/// The wait imposed by one rule: "at most `limit` requests in any `window`". A request at `at` counts in
/// the window ending at `now` while `at > now - window`.
fn rule_wait(taken: &[Duration], now: Duration, window: Duration, limit: u32) -> Option<Duration> {
    let mut recent: Vec<Duration> = taken
        .iter()
        .copied()
        .filter(|at| *at + window > now)
        .collect();
    recent.sort_unstable();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if recent.len() < limit {
        return None;
    }
    // The oldest `len - limit + 1` requests must leave the window; the last of them leaves at `+ window`.
    let leaving = recent[recent.len() - limit];
    Some(leaving + window - now)
}

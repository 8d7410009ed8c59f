//! TikTok's Display API quota, as the sandbox enforces it: at most `limit` `user/info` calls in any sliding
//! minute. Every sync and every OAuth callback spends one. Past the quota the sandbox answers 429, the
//! service retries with backoff and the sync takes hundreds of milliseconds: a benchmark that ran into the
//! quota would measure TikTok's throttling, not the service. So the driver books each phase's calls here
//! and waits, before a phase, until the minute has room for it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The calls spent in the last minute.
#[derive(Debug, Clone)]
pub struct Quota {
    limit: u64,
    window: Duration,
    spent: VecDeque<(Instant, u64)>,
}

impl Quota {
    /// `limit` calls per sliding `window`.
    pub fn new(limit: u64, window: Duration) -> Self {
        Self {
            limit,
            window,
            spent: VecDeque::new(),
        }
    }

    /// Books `calls` made at `at` (a phase books its calls at its start, the pessimistic end of it).
    pub fn spend(&mut self, at: Instant, calls: u64) {
        if calls > 0 {
            self.spent.push_back((at, calls));
        }
    }

    /// Calls still counted at `now`.
    pub fn in_window(&self, now: Instant) -> u64 {
        self.spent
            .iter()
            .filter(|(at, _)| now.saturating_duration_since(*at) < self.window)
            .map(|(_, calls)| calls)
            .sum()
    }

    /// How long to wait from `now` until `calls` more fit; `None` when they never can (more than the limit).
    pub fn wait_for(&self, now: Instant, calls: u64) -> Option<Duration> {
        if calls > self.limit {
            return None;
        }
        let mut used = self.in_window(now);
        if used + calls <= self.limit {
            return Some(Duration::ZERO);
        }
        // Oldest first: wait until enough of them have left the window.
        for (at, spent) in &self.spent {
            let leaves = (*at + self.window).saturating_duration_since(now);
            if leaves.is_zero() {
                continue;
            }
            used -= spent;
            if used + calls <= self.limit {
                return Some(leaves);
            }
        }
        Some(self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn room_now_means_no_wait() {
        let t0 = Instant::now();
        let mut quota = Quota::new(600, MINUTE);
        assert_eq!(quota.wait_for(t0, 600), Some(Duration::ZERO));
        quota.spend(t0, 3);
        assert_eq!(quota.wait_for(t0, 597), Some(Duration::ZERO));
        assert_eq!(quota.in_window(t0), 3);
    }

    #[test]
    fn waits_until_enough_old_calls_leave_the_window() {
        let t0 = Instant::now();
        let mut quota = Quota::new(600, MINUTE);
        quota.spend(t0, 200);
        quota.spend(t0 + Duration::from_secs(10), 200);
        quota.spend(t0 + Duration::from_secs(20), 150);
        let now = t0 + Duration::from_secs(30);
        assert_eq!(quota.in_window(now), 550);
        assert_eq!(quota.wait_for(now, 50), Some(Duration::ZERO));
        // 100 more: the first 200 must leave, at t0 + 60 s, 30 s from now.
        assert_eq!(quota.wait_for(now, 100), Some(Duration::from_secs(30)));
        // 300 more: the first two phases must leave, at t0 + 70 s.
        assert_eq!(quota.wait_for(now, 300), Some(Duration::from_secs(40)));
        assert_eq!(quota.wait_for(now, 600), Some(Duration::from_secs(50)));
    }

    #[test]
    fn old_calls_no_longer_count() {
        let t0 = Instant::now();
        let mut quota = Quota::new(600, MINUTE);
        quota.spend(t0, 600);
        assert_eq!(quota.in_window(t0 + MINUTE), 0);
        assert_eq!(quota.wait_for(t0 + MINUTE, 600), Some(Duration::ZERO));
        assert_eq!(
            quota.wait_for(t0 + Duration::from_secs(45), 1),
            Some(Duration::from_secs(15))
        );
    }

    #[test]
    fn more_than_the_limit_never_fits() {
        let quota = Quota::new(600, MINUTE);
        assert_eq!(quota.wait_for(Instant::now(), 601), None);
    }
}

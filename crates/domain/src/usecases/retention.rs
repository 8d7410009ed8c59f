//! When the history retention runs: at most once per [`RETENTION_EVERY`] per process, from the background
//! rounds (`BackgroundRounds::purge_expired_history`). It is one
//! indexed range delete over every account, so running it after every sync would repeat the same work
//! thousands of times an hour; a bucket that outlives the retention by an hour is harmless.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// How often the retention may run in one process.
pub const RETENTION_EVERY: Duration = Duration::hours(1);

/// The last time this process started the retention.
#[derive(Debug, Default)]
pub(super) struct RetentionSchedule {
    last: Mutex<Option<DateTime<Utc>>>,
}

impl RetentionSchedule {
    /// Whether the retention should run at `now`; if so, the run is booked at `now`.
    pub(super) fn due(&self, now: DateTime<Utc>) -> bool {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        match *last {
            Some(at) if now - at < RETENTION_EVERY => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }

    /// The run booked at `at` failed: the next round tries again.
    pub(super) fn failed(&self, at: DateTime<Utc>) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if *last == Some(at) {
            *last = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_retention_runs_once_an_hour_and_again_at_once_after_a_failure() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        let schedule = RetentionSchedule::default();
        assert!(schedule.due(t0), "the first round runs it");
        assert!(!schedule.due(t0 + Duration::minutes(59)));
        assert!(schedule.due(t0 + Duration::minutes(60)));
        let t1 = t0 + Duration::minutes(60);
        schedule.failed(t1);
        assert!(
            schedule.due(t1 + Duration::seconds(1)),
            "retried after a failure"
        );
        schedule.failed(t0);
        assert!(
            !schedule.due(t1 + Duration::seconds(2)),
            "an old run's failure does not undo a newer booking"
        );
    }
}

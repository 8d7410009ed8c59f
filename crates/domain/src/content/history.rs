//! History: snapshots of the profile counts, the periods they are kept in, and how they are grouped
//! (UTC days, ISO weeks). Every instant is UTC; periods are aligned on the Unix epoch, so a period that
//! divides a day also divides every UTC day.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use crate::values::InvalidValue;

/// The profile counts a snapshot keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProfileCounts {
    /// Followers.
    pub follower_count: Option<i64>,
    /// Accounts followed.
    pub following_count: Option<i64>,
    /// Likes received.
    pub like_count: Option<i64>,
    /// Public videos.
    pub video_count: Option<i64>,
}

impl ProfileCounts {
    /// Whether TikTok sent no count at all (no `user.info.stats`): such a snapshot is not worth keeping.
    pub fn is_empty(&self) -> bool {
        *self == ProfileCounts::default()
    }
}

/// The profile counts at one sync, kept once per account and history period (the latest sync of the
/// period wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileSnapshot {
    /// Start of the history period the sync fell in.
    pub bucket_start: DateTime<Utc>,
    /// When the counts were read.
    pub recorded_at: DateTime<Utc>,
    /// The counts.
    pub counts: ProfileCounts,
}

/// How long a history bucket lasts: whole minutes that divide a day (so buckets never straddle midnight UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryPeriod(i64);

impl HistoryPeriod {
    /// Accepts 1 to 1440 minutes that divide 1440 (1, 5, 15, 30, 60, 120, …, 1440).
    pub fn minutes(minutes: i64) -> Result<Self, InvalidValue> {
        if (1..=1_440).contains(&minutes) && 1_440 % minutes == 0 {
            Ok(Self(minutes))
        } else {
            Err(InvalidValue {
                field: "history_period_minutes",
                reason: "must be 1 to 1440 minutes and divide a day (1440)",
            })
        }
    }

    /// The period's length.
    pub fn duration(self) -> Duration {
        Duration::minutes(self.0)
    }

    /// The start of the bucket holding `at`: `at` rounded down to a multiple of the period since the epoch.
    pub fn bucket_of(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let seconds = self.0 * 60;
        let start = at.timestamp().div_euclid(seconds) * seconds;
        Utc.timestamp_opt(start, 0).single().unwrap_or(at)
    }
}

impl Default for HistoryPeriod {
    fn default() -> Self {
        Self(60)
    }
}

/// How the history endpoint groups snapshots: by UTC day, or by ISO week (Monday 00:00 UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryInterval {
    /// One point per UTC day.
    #[default]
    Day,
    /// One point per ISO week, starting Monday 00:00 UTC.
    Week,
}

impl HistoryInterval {
    /// `day` or `week`.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryInterval::Day => "day",
            HistoryInterval::Week => "week",
        }
    }

    /// Reads [`HistoryInterval::as_str`] back.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        match raw {
            "day" => Ok(HistoryInterval::Day),
            "week" => Ok(HistoryInterval::Week),
            _ => Err(InvalidValue {
                field: "interval",
                reason: "must be day or week",
            }),
        }
    }

    /// The start (UTC) of the day or week holding `at`.
    pub fn start_of(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let day = at.date_naive();
        let day = match self {
            HistoryInterval::Day => day,
            HistoryInterval::Week => {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
        };
        day.and_hms_opt(0, 0, 0).map_or(at, |t| t.and_utc())
    }
}

/// One point of the history series: the last snapshot of a day or week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryPoint {
    /// Start of the day or week (UTC).
    pub start: DateTime<Utc>,
    /// When the counts of this point were read (the latest sync of the day or week).
    pub recorded_at: DateTime<Utc>,
    /// The counts.
    pub counts: ProfileCounts,
}

//! Rows of the history tables (snapshots, day and week rollups) and their conversion to and from domain
//! values. Nothing here leaves the crate.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tiktok_domain::content::{HistoryInterval, HistoryPoint, ProfileCounts, ProfileSnapshot};

use crate::models::naive;
use crate::schema::{tiktok_profile_rollups, tiktok_profile_snapshots};

/// A `tiktok_profile_snapshots` row.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tiktok_profile_snapshots)]
pub(crate) struct ProfileSnapshotRow {
    pub user_id: String,
    pub bucket_start: NaiveDateTime,
    pub recorded_at: NaiveDateTime,
    pub follower_count: Option<i64>,
    pub following_count: Option<i64>,
    pub like_count: Option<i64>,
    pub video_count: Option<i64>,
}

impl ProfileSnapshotRow {
    /// The row of `snapshot`.
    pub(crate) fn new(user: &str, snapshot: &ProfileSnapshot) -> Self {
        let c = snapshot.counts;
        Self {
            user_id: user.to_owned(),
            bucket_start: naive(snapshot.bucket_start),
            recorded_at: naive(snapshot.recorded_at),
            follower_count: c.follower_count,
            following_count: c.following_count,
            like_count: c.like_count,
            video_count: c.video_count,
        }
    }
}

impl From<ProfileSnapshotRow> for ProfileSnapshot {
    fn from(row: ProfileSnapshotRow) -> Self {
        ProfileSnapshot {
            bucket_start: row.bucket_start.and_utc(),
            recorded_at: row.recorded_at.and_utc(),
            counts: ProfileCounts {
                follower_count: row.follower_count,
                following_count: row.following_count,
                like_count: row.like_count,
                video_count: row.video_count,
            },
        }
    }
}

/// A `tiktok_profile_rollups` row: the latest snapshot of a UTC day or ISO week.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tiktok_profile_rollups)]
pub(crate) struct RollupRow {
    pub user_id: String,
    pub span: String,
    pub span_start: NaiveDateTime,
    pub recorded_at: NaiveDateTime,
    pub follower_count: Option<i64>,
    pub following_count: Option<i64>,
    pub like_count: Option<i64>,
    pub video_count: Option<i64>,
}

impl RollupRow {
    /// The row `snapshot` makes for its day or week, worked out by the domain's rule.
    pub(crate) fn new(user: &str, interval: HistoryInterval, snapshot: &ProfileSnapshot) -> Self {
        let c = snapshot.counts;
        Self {
            user_id: user.to_owned(),
            span: interval.as_str().to_owned(),
            span_start: naive(interval.start_of(snapshot.bucket_start)),
            recorded_at: naive(snapshot.recorded_at),
            follower_count: c.follower_count,
            following_count: c.following_count,
            like_count: c.like_count,
            video_count: c.video_count,
        }
    }
}

impl From<RollupRow> for HistoryPoint {
    fn from(row: RollupRow) -> Self {
        HistoryPoint {
            start: row.span_start.and_utc(),
            recorded_at: row.recorded_at.and_utc(),
            counts: ProfileCounts {
                follower_count: row.follower_count,
                following_count: row.following_count,
                like_count: row.like_count,
                video_count: row.video_count,
            },
        }
    }
}

//! The analytics rules: follower growth, engagement rate, view totals. Pure functions of stored data;
//! a number the data cannot support is `None`, never estimated.

use chrono::{DateTime, Duration, Utc};

use crate::content::{AnalyticsData, ProfileSnapshot, StoredVideo, VideoTotals};

/// The growth windows of the metrics body, in days.
pub const GROWTH_DAYS: [i64; 3] = [1, 7, 30];
/// The engagement window, in days: videos posted within it count.
pub const ENGAGEMENT_DAYS: i64 = 30;
/// How much older than its window a growth baseline may be: a snapshot a week older than asked would
/// describe another window, so growth is then unknown.
pub const BASELINE_TOLERANCE: Duration = Duration::days(1);

/// Follower growth over one window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// Followers gained (negative when lost) between the baseline and the latest snapshot.
    pub absolute: i64,
    /// `absolute / baseline followers × 100`, two decimals; `None` when the baseline had no follower.
    pub percent: Option<f64>,
    /// When the baseline was read.
    pub since: DateTime<Utc>,
}

/// The analytics part of the metrics body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analytics {
    /// When the latest profile snapshot was read; growth is measured up to it.
    pub as_of: Option<DateTime<Utc>>,
    /// Follower growth per window of [`GROWTH_DAYS`]; `None` without a snapshot old enough.
    pub growth: Vec<(i64, Option<Growth>)>,
    /// `(likes + comments + shares) / views` over the videos posted in the last [`ENGAGEMENT_DAYS`] days,
    /// four decimals; `None` without such a video or without views.
    pub engagement_rate_30d: Option<f64>,
    /// Σ views of every stored video; `None` without videos.
    pub views_total: Option<i64>,
    /// Average views per stored video, two decimals; `None` without videos.
    pub views_average: Option<f64>,
    /// The most viewed videos.
    pub top_videos: Vec<StoredVideo>,
    /// When the videos were last synced.
    pub videos_synced_at: Option<DateTime<Utc>>,
}

impl Analytics {
    /// Applies the rules to what storage returned.
    pub fn from_data(data: AnalyticsData) -> Self {
        let growth = data
            .baselines
            .iter()
            .map(|(days, baseline)| (*days, growth(data.latest, *baseline, *days)))
            .collect();
        let (views_total, views_average) = views(&data.all_videos);
        Self {
            as_of: data.latest.map(|s| s.recorded_at),
            growth,
            engagement_rate_30d: engagement_rate(&data.recent_videos),
            views_total,
            views_average,
            top_videos: data.top_videos,
            videos_synced_at: data.sync.videos_synced_at,
        }
    }

    /// The growth over `days`, if that window was asked and can be measured.
    pub fn growth_over(&self, days: i64) -> Option<Growth> {
        self.growth
            .iter()
            .find(|(d, _)| *d == days)
            .and_then(|(_, g)| *g)
    }
}

/// Growth from `baseline` to `latest`, if both know the followers and the baseline is of the window.
pub fn growth(
    latest: Option<ProfileSnapshot>,
    baseline: Option<ProfileSnapshot>,
    days: i64,
) -> Option<Growth> {
    let (latest, baseline) = (latest?, baseline?);
    let target = latest.bucket_start - Duration::days(days);
    if baseline.bucket_start > target || baseline.bucket_start < target - BASELINE_TOLERANCE {
        return None;
    }
    let (now, then) = (
        latest.counts.follower_count?,
        baseline.counts.follower_count?,
    );
    // TikTok's numbers are not ours to trust: an overflow is "no growth figure", not a panic.
    let absolute = now.checked_sub(then)?;
    let percent = (then != 0).then(|| round(absolute as f64 * 100.0 / then as f64, 2));
    Some(Growth {
        absolute,
        percent,
        since: baseline.recorded_at,
    })
}

/// `(likes + comments + shares) / views`, four decimals; `None` without views.
pub fn engagement_rate(totals: &VideoTotals) -> Option<f64> {
    if totals.videos == 0 || totals.views <= 0 {
        return None;
    }
    let engaged = totals
        .likes
        .checked_add(totals.comments)?
        .checked_add(totals.shares)?;
    Some(round(engaged as f64 / totals.views as f64, 4))
}

/// Total and average views; `None` without videos.
pub fn views(totals: &VideoTotals) -> (Option<i64>, Option<f64>) {
    if totals.videos == 0 {
        return (None, None);
    }
    let average = round(totals.views as f64 / totals.videos as f64, 2);
    (Some(totals.views), Some(average))
}

fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

//! The JSON bodies of the history endpoint and of the metrics body's analytics.

use serde::Serialize;
use tiktok_domain::analytics::{Analytics, Growth};
use tiktok_domain::content::HistoryPoint;
use tiktok_domain::usecases::HistorySeries;
use utoipa::ToSchema;

use super::timestamps::rfc3339;

/// One point of the history series.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPointBody {
    /// Start of the UTC day or ISO week (Monday) (RFC 3339).
    pub start: String,
    /// When these counts were read: the day's or week's last sync.
    pub recorded_at: String,
    /// Followers.
    pub follower_count: Option<i64>,
    /// Accounts followed.
    pub following_count: Option<i64>,
    /// Likes received.
    pub like_count: Option<i64>,
    /// Public videos.
    pub video_count: Option<i64>,
}

impl From<HistoryPoint> for HistoryPointBody {
    fn from(p: HistoryPoint) -> Self {
        Self {
            start: rfc3339(p.start),
            recorded_at: rfc3339(p.recorded_at),
            follower_count: p.counts.follower_count,
            following_count: p.counts.following_count,
            like_count: p.counts.like_count,
            video_count: p.counts.video_count,
        }
    }
}

/// `GET …/metrics/{user_id}/history`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryBody {
    /// The product user.
    pub user_id: String,
    /// `day` or `week`.
    pub interval: &'static str,
    /// Window start, inclusive (RFC 3339, UTC).
    pub from: String,
    /// Window end, exclusive.
    pub to: String,
    /// One point per day or week with data, oldest first; days without a sync have no point.
    pub points: Vec<HistoryPointBody>,
}

impl HistoryBody {
    /// The series of `user_id`.
    pub fn new(user_id: &str, series: HistorySeries) -> Self {
        Self {
            user_id: user_id.to_owned(),
            interval: series.interval.as_str(),
            from: rfc3339(series.from),
            to: rfc3339(series.to),
            points: series.points.into_iter().map(Into::into).collect(),
        }
    }
}

/// Follower growth over one window.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrowthBody {
    /// Followers gained (negative when lost).
    pub absolute: i64,
    /// Percent of the followers at the start; null when there were none.
    pub percent: Option<f64>,
    /// When the starting count was read.
    pub since: String,
}

impl From<Growth> for GrowthBody {
    fn from(g: Growth) -> Self {
        Self {
            absolute: g.absolute,
            percent: g.percent,
            since: rfc3339(g.since),
        }
    }
}

/// Follower growth over 1, 7 and 30 days; a window without a snapshot old enough is null.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrowthWindows {
    /// Over 1 day.
    pub d1: Option<GrowthBody>,
    /// Over 7 days.
    pub d7: Option<GrowthBody>,
    /// Over 30 days.
    pub d30: Option<GrowthBody>,
}

/// Views over every stored video.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViewsBody {
    /// Σ views; null without videos.
    pub total: Option<i64>,
    /// Views per video; null without videos.
    pub average: Option<f64>,
}

impl GrowthWindows {
    /// The windows of `analytics`.
    pub fn of(analytics: &Analytics) -> Self {
        let growth = |days| analytics.growth_over(days).map(GrowthBody::from);
        Self {
            d1: growth(1),
            d7: growth(7),
            d30: growth(30),
        }
    }
}

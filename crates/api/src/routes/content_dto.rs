//! The JSON bodies of the content endpoints and of the metrics body's analytics.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::DateTime;
use serde::Serialize;
use tiktok_domain::analytics::{Analytics, Growth};
use tiktok_domain::content::{HistoryPoint, StoredVideo, VideoCursor, VideoList, VideoSort};
use tiktok_domain::usecases::{HistorySeries, MissingData};
use utoipa::ToSchema;

use super::dto::rfc3339;
use crate::error::ApiError;

/// A stored video. No cover image: TikTok signs cover URLs for 6 hours only, so a stored one would soon
/// be a broken link; `embed_link` and `share_url` do not expire.
#[derive(Debug, Serialize, ToSchema)]
pub struct VideoBody {
    /// TikTok's video id (a 19-digit string; never a number, it exceeds 2^53).
    #[schema(example = "7300000000000045045")]
    pub id: String,
    /// `title`.
    pub title: Option<String>,
    /// `video_description`.
    pub description: Option<String>,
    /// When it was posted (RFC 3339, UTC).
    pub create_time: Option<String>,
    /// Seconds.
    pub duration: Option<i64>,
    /// TikTok's share link.
    pub share_url: Option<String>,
    /// TikTok's embed link.
    pub embed_link: Option<String>,
    /// Views as of `synced_at`.
    pub view_count: Option<i64>,
    /// Likes.
    pub like_count: Option<i64>,
    /// Comments.
    pub comment_count: Option<i64>,
    /// Shares.
    pub share_count: Option<i64>,
    /// When a sync last saw these numbers (RFC 3339, UTC).
    pub synced_at: String,
}

impl From<StoredVideo> for VideoBody {
    fn from(s: StoredVideo) -> Self {
        let v = s.video;
        Self {
            id: v.id,
            title: v.title,
            description: v.description,
            create_time: v
                .create_time
                .and_then(|t| DateTime::from_timestamp(t, 0))
                .map(rfc3339),
            duration: v.duration,
            share_url: v.share_url,
            embed_link: v.embed_link,
            view_count: v.view_count,
            like_count: v.like_count,
            comment_count: v.comment_count,
            share_count: v.share_count,
            synced_at: rfc3339(s.last_seen_at),
        }
    }
}

/// One page of `GET …/videos/{user_id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct VideoPageBody {
    /// The product user.
    pub user_id: String,
    /// `newest`, `oldest` or `most_viewed`.
    pub sort: &'static str,
    /// The videos (deleted ones never).
    pub videos: Vec<VideoBody>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl VideoPageBody {
    /// The page of `user_id` in `sort`.
    pub fn new(user_id: &str, sort: VideoSort, list: VideoList) -> Self {
        Self {
            user_id: user_id.to_owned(),
            sort: sort.as_str(),
            videos: list.videos.into_iter().map(VideoBody::from).collect(),
            next_cursor: list.next.as_ref().map(encode_cursor),
        }
    }
}

/// The opaque cursor: base64url of `<sort>:<key>:<video id>`.
pub fn encode_cursor(cursor: &VideoCursor) -> String {
    let raw = format!(
        "{}:{}:{}",
        cursor.sort.as_str(),
        cursor.key,
        cursor.video_id
    );
    URL_SAFE_NO_PAD.encode(raw)
}

/// Reads a cursor this service issued; anything else is 400 `invalid_request`.
pub fn decode_cursor(raw: &str) -> Result<VideoCursor, ApiError> {
    let bad = || ApiError::invalid_request("cursor is not one this service issued");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.splitn(3, ':');
    let (sort, key, id) = (parts.next(), parts.next(), parts.next());
    let sort = VideoSort::parse(sort.ok_or_else(bad)?).map_err(|_| bad())?;
    let key = key.ok_or_else(bad)?.parse::<i64>().map_err(|_| bad())?;
    let id = id
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .ok_or_else(bad)?;
    Ok(VideoCursor {
        sort,
        key,
        video_id: id.to_owned(),
    })
}

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

/// Data the service does not sync for want of a scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingDataBody {
    /// `profile`, `stats` or `videos`.
    #[schema(example = "videos")]
    pub data: &'static str,
    /// The scope that would allow it.
    #[schema(example = "video.list")]
    pub scope: &'static str,
}

impl From<MissingData> for MissingDataBody {
    fn from(m: MissingData) -> Self {
        Self {
            data: m.data,
            scope: m.scope,
        }
    }
}

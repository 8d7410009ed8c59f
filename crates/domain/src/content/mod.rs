//! Content and analytics: stored videos and the rules that page them, the video sync's state, what the
//! analytics read; history snapshots and their bucketing are in [`history`] (re-exported here).

mod history;

pub use history::*;

use chrono::{DateTime, Utc};

use crate::ports::Video;
use crate::values::InvalidValue;

/// A video as stored: TikTok's fields as last read, and when we saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVideo {
    /// The video as TikTok last described it (`create_time` in Unix seconds).
    pub video: Video,
    /// When a sync first stored it.
    pub first_seen_at: DateTime<Utc>,
    /// When a sync last saw it in TikTok's list.
    pub last_seen_at: DateTime<Utc>,
}

/// The orders the videos endpoint offers; each is served by an index, newest first by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VideoSort {
    /// `create_time` descending.
    #[default]
    Newest,
    /// `create_time` ascending.
    Oldest,
    /// `view_count` descending.
    MostViewed,
}

impl VideoSort {
    /// The name used in queries and cursors.
    pub fn as_str(self) -> &'static str {
        match self {
            VideoSort::Newest => "newest",
            VideoSort::Oldest => "oldest",
            VideoSort::MostViewed => "most_viewed",
        }
    }

    /// Reads [`VideoSort::as_str`] back.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        [VideoSort::Newest, VideoSort::Oldest, VideoSort::MostViewed]
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or(InvalidValue {
                field: "sort",
                reason: "must be newest, oldest or most_viewed",
            })
    }

    /// The video's key in this order. A count or time TikTok did not send sorts as `-1` (last when
    /// descending); the key orders rows and is never shown.
    pub fn key_of(self, video: &Video) -> i64 {
        match self {
            VideoSort::Newest | VideoSort::Oldest => video.create_time.unwrap_or(-1),
            VideoSort::MostViewed => video.view_count.unwrap_or(-1),
        }
    }

    /// Whether the order is descending.
    pub fn descending(self) -> bool {
        !matches!(self, VideoSort::Oldest)
    }
}

/// Where a page of videos ends: the sort key and id of its last video (keyset pagination, never OFFSET).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoCursor {
    /// The order the cursor belongs to; a cursor is refused under another order.
    pub sort: VideoSort,
    /// [`VideoSort::key_of`] of the last video.
    pub key: i64,
    /// Its id, which breaks ties.
    pub video_id: String,
}

/// What the videos endpoint asks storage for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoQuery {
    /// The order.
    pub sort: VideoSort,
    /// At most this many videos (already capped).
    pub limit: u32,
    /// Videos after this one, in `sort` order.
    pub after: Option<VideoCursor>,
}

/// One page of stored videos.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VideoList {
    /// The videos, in the asked order; deleted videos are never listed.
    pub videos: Vec<StoredVideo>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<VideoCursor>,
}

/// What a page of TikTok's list did to storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UpsertReport {
    /// Videos stored for the first time (or seen again after being marked deleted).
    pub inserted: u32,
    /// Known videos whose counts or details changed.
    pub changed: u32,
    /// Known videos exactly as stored.
    pub unchanged: u32,
}

/// Where the video sync of an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VideoSyncState {
    /// When the last video sync finished without a failed page.
    pub videos_synced_at: Option<DateTime<Utc>>,
    /// When the last complete listing (every page, deletions detected) finished.
    pub last_full_sync_at: Option<DateTime<Utc>>,
    /// Where an unfinished full listing stopped, for the next sync to continue from.
    pub resume: Option<ListingResume>,
}

/// An unfinished full listing: the next sync continues it from `cursor` instead of starting over, so that
/// an account with more videos than one sync's page budget still converges to its full set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingResume {
    /// TikTok's cursor of the next page.
    pub cursor: i64,
    /// When the listing began (its first page): once it completes, videos not seen since are deleted.
    pub since: DateTime<Utc>,
}

/// How a video sync ended, as storage records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoSyncEnd {
    /// When it ended.
    pub at: DateTime<Utc>,
    /// `Some(started_at)` when the sync listed every video: videos not seen since `started_at` were
    /// deleted at TikTok (or made private) and are marked deleted.
    pub complete_listing_since: Option<DateTime<Utc>>,
    /// Where a full listing cut short by the page budget stopped (kept for the next sync); `None` clears
    /// what was kept.
    pub resume: Option<ListingResume>,
}

/// Sums over a set of stored, not deleted videos whose four counts are all known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VideoTotals {
    /// How many videos.
    pub videos: i64,
    /// Σ `view_count`.
    pub views: i64,
    /// Σ `like_count`.
    pub likes: i64,
    /// Σ `comment_count`.
    pub comments: i64,
    /// Σ `share_count`.
    pub shares: i64,
}

/// What storage hands the analytics rules: a constant number of queries, whatever the account's size.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnalyticsData {
    /// The newest profile snapshot.
    pub latest: Option<ProfileSnapshot>,
    /// For each asked number of days `n`, the newest snapshot whose bucket starts at least `n` days
    /// before `latest`'s.
    pub baselines: Vec<(i64, Option<ProfileSnapshot>)>,
    /// Every stored video.
    pub all_videos: VideoTotals,
    /// Videos posted since the engagement window's start.
    pub recent_videos: VideoTotals,
    /// The most viewed videos.
    pub top_videos: Vec<StoredVideo>,
    /// The account's video sync state.
    pub sync: VideoSyncState,
}

/// What the analytics query asks storage for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyticsQuery {
    /// Growth windows, in days.
    pub growth_days: Vec<i64>,
    /// Videos posted at or after this instant make up the engagement window.
    pub recent_since: DateTime<Utc>,
    /// How many top videos.
    pub top: u32,
}

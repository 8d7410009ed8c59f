//! Rows of the video tables and their conversion to and from domain values. Nothing here leaves the crate.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::content::{StoredVideo, VideoSort};
use tiktok_domain::ports::Video;

use crate::models::naive;
use crate::schema::{tiktok_video_snapshots, tiktok_videos};

/// A `tiktok_videos` row, in column order.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tiktok_videos)]
pub(crate) struct VideoRow {
    pub user_id: String,
    pub video_id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub create_time: Option<NaiveDateTime>,
    pub duration: Option<i64>,
    pub share_url: Option<String>,
    pub embed_link: Option<String>,
    pub view_count: Option<i64>,
    pub like_count: Option<i64>,
    pub comment_count: Option<i64>,
    pub share_count: Option<i64>,
    pub sort_created: i64,
    pub sort_views: i64,
    pub first_seen_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl VideoRow {
    /// The row for `video` of `user`, seen at `seen_at` (first and last).
    pub(crate) fn new(user: &str, video: &Video, seen_at: DateTime<Utc>) -> Self {
        Self {
            user_id: user.to_owned(),
            video_id: video.id.clone(),
            title: video.title.clone(),
            description: video.description.clone(),
            create_time: video
                .create_time
                .and_then(|t| DateTime::from_timestamp(t, 0))
                .map(naive),
            duration: video.duration,
            share_url: video.share_url.clone(),
            embed_link: video.embed_link.clone(),
            view_count: video.view_count,
            like_count: video.like_count,
            comment_count: video.comment_count,
            share_count: video.share_count,
            sort_created: VideoSort::Newest.key_of(video),
            sort_views: VideoSort::MostViewed.key_of(video),
            first_seen_at: naive(seen_at),
            last_seen_at: naive(seen_at),
            deleted_at: None,
        }
    }

    /// Whether TikTok's description of the video differs from the stored one.
    pub(crate) fn differs_from(&self, other: &VideoRow) -> bool {
        (
            &self.title,
            &self.description,
            self.create_time,
            self.duration,
            &self.share_url,
            &self.embed_link,
        ) != (
            &other.title,
            &other.description,
            other.create_time,
            other.duration,
            &other.share_url,
            &other.embed_link,
        ) || self.counts() != other.counts()
    }

    /// The four counts.
    pub(crate) fn counts(&self) -> [Option<i64>; 4] {
        [
            self.view_count,
            self.like_count,
            self.comment_count,
            self.share_count,
        ]
    }

    /// The key of this row in `sort`.
    pub(crate) fn key(&self, sort: VideoSort) -> i64 {
        match sort {
            VideoSort::Newest | VideoSort::Oldest => self.sort_created,
            VideoSort::MostViewed => self.sort_views,
        }
    }

    /// The snapshot of the row's counts in `bucket_start`.
    pub(crate) fn snapshot(&self, bucket_start: NaiveDateTime) -> VideoSnapshotRow {
        VideoSnapshotRow {
            user_id: self.user_id.clone(),
            video_id: self.video_id.clone(),
            bucket_start,
            recorded_at: self.last_seen_at,
            view_count: self.view_count,
            like_count: self.like_count,
            comment_count: self.comment_count,
            share_count: self.share_count,
        }
    }
}

impl From<VideoRow> for StoredVideo {
    fn from(row: VideoRow) -> Self {
        StoredVideo {
            video: Video {
                id: row.video_id,
                title: row.title,
                description: row.description,
                create_time: row.create_time.map(|t| t.and_utc().timestamp()),
                duration: row.duration,
                share_url: row.share_url,
                embed_link: row.embed_link,
                view_count: row.view_count,
                like_count: row.like_count,
                comment_count: row.comment_count,
                share_count: row.share_count,
            },
            first_seen_at: row.first_seen_at.and_utc(),
            last_seen_at: row.last_seen_at.and_utc(),
        }
    }
}

/// A `tiktok_video_snapshots` row.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tiktok_video_snapshots)]
pub(crate) struct VideoSnapshotRow {
    pub user_id: String,
    pub video_id: String,
    pub bucket_start: NaiveDateTime,
    pub recorded_at: NaiveDateTime,
    pub view_count: Option<i64>,
    pub like_count: Option<i64>,
    pub comment_count: Option<i64>,
    pub share_count: Option<i64>,
}

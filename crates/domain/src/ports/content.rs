use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{RepositoryError, Video};
use crate::analytics::Analytics;
use crate::content::{
    AnalyticsData, AnalyticsQuery, HistoryInterval, HistoryPoint, ProfileSnapshot, UpsertReport,
    VideoList, VideoQuery, VideoSyncEnd, VideoSyncState,
};
use crate::values::UserId;
use crate::ConnectionGeneration;

/// Storage of a creator's content and history: videos, profile and video snapshots, the video sync's
/// state. Keyed by the product user; [`ContentRepository::purge`] erases all of it.
///
/// Reads run a constant number of queries whatever the number of videos or snapshots (indexes, keyset
/// pagination, aggregates in SQL), so the dashboard's pages stay fast for the largest creators.
///
/// Every write carries the [`ConnectionGeneration`] of the account the sync read. In the write's own
/// transaction, storage checks (and holds until commit) that the user's active account still has that
/// generation; otherwise it writes nothing and MUST return [`RepositoryError::NotFound`]. So a sync that
/// outlives its connection (a disconnect, a purge, a reconnect) never writes again.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ContentRepository: Send + Sync {
    /// Where the user's video sync stands (defaults when it never ran).
    async fn video_sync_state(&self, user_id: &UserId) -> Result<VideoSyncState, RepositoryError>;

    /// Stores one page of TikTok's list in one transaction: new videos are inserted, known ones updated
    /// (a video marked deleted that shows up again is restored), `last_seen_at` becomes `seen_at` (never
    /// earlier than it was). For every new or changed video a snapshot of its counts is kept in the
    /// history bucket `bucket_start` (video history is kept on change only, so it stays small).
    async fn upsert_videos(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        videos: &[Video],
        seen_at: DateTime<Utc>,
        bucket_start: DateTime<Utc>,
    ) -> Result<UpsertReport, RepositoryError>;

    /// Records the end of a video sync; after a complete listing, marks deleted the videos it did not see
    /// (they are then hidden). Returns how many videos were marked deleted.
    async fn finish_video_sync(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        end: &VideoSyncEnd,
    ) -> Result<u64, RepositoryError>;

    /// Keeps the profile counts in their bucket: at most one snapshot per user and bucket, the latest
    /// sync of the bucket wins.
    async fn record_profile_snapshot(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        snapshot: &ProfileSnapshot,
    ) -> Result<(), RepositoryError>;

    /// One page of the user's videos that are not deleted, in keyset order.
    async fn list_videos(
        &self,
        user_id: &UserId,
        query: &VideoQuery,
    ) -> Result<VideoList, RepositoryError>;

    /// The last snapshot of each day or week with a snapshot whose bucket starts in `[from, to)`, oldest
    /// first. Days without a snapshot have no point.
    async fn profile_history(
        &self,
        user_id: &UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        interval: HistoryInterval,
    ) -> Result<Vec<HistoryPoint>, RepositoryError>;

    /// Everything the analytics rules need, in a constant number of queries.
    async fn analytics_data(
        &self,
        user_id: &UserId,
        query: &AnalyticsQuery,
    ) -> Result<AnalyticsData, RepositoryError>;

    /// Keeps the analytics computed at `computed_at` as the user's current ones, so that reading them
    /// (with the account: [`super::AccountRepository::find_with_analytics`]) is one lookup rather than the
    /// queries of [`ContentRepository::analytics_data`]. An older computation never replaces a newer one
    /// (two syncs may finish out of order).
    async fn save_analytics(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        analytics: &Analytics,
        computed_at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Erases every video, snapshot, sync state and kept analytics of the user.
    async fn purge(&self, user_id: &UserId) -> Result<(), RepositoryError>;

    /// Deletes snapshots (profile and video) of buckets before `cutoff`, for every user; returns how many.
    async fn purge_history_before(&self, cutoff: DateTime<Utc>) -> Result<u64, RepositoryError>;
}

//! [`DieselContentRepository`]: the domain's `ContentRepository` on Diesel.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use tiktok_domain::analytics::Analytics;
use tiktok_domain::content::{
    AnalyticsData, AnalyticsQuery, HistoryInterval, HistoryPoint, ListingResume, ProfileSnapshot,
    UpsertReport, VideoList, VideoQuery, VideoSyncEnd, VideoSyncState,
};
use tiktok_domain::ports::{ContentRepository, RepositoryError, Video};
use tiktok_domain::{ConnectionGeneration, UserId};

use crate::analytics_models::AnalyticsRow;
use crate::connection::write_transaction;
use crate::connection::AnyConnection;
use crate::connection_fence::hold_connection;
use crate::content_history;
use crate::content_list;
use crate::content_videos::{self, on_inner};
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::{
    tiktok_analytics as an, tiktok_profile_rollups as pr, tiktok_profile_snapshots as ps,
    tiktok_video_snapshots as vs, tiktok_video_syncs as sy, tiktok_videos as v,
};
use crate::Database;

/// Keeps creators' videos, history snapshots and video sync state in `tiktok_videos`,
/// `tiktok_video_snapshots`, `tiktok_profile_snapshots` and `tiktok_video_syncs`.
#[derive(Debug, Clone)]
pub struct DieselContentRepository {
    db: Database,
}

impl DieselContentRepository {
    /// A repository on this database (migrations must have run).
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

/// Deletes every content row of `user` (in the caller's transaction).
pub(crate) fn purge_user(
    tx: &mut crate::connection::AnyConnection,
    user: &str,
) -> Result<(), QueryFailure> {
    diesel::delete(vs::table.filter(vs::user_id.eq(user))).execute(tx)?;
    diesel::delete(ps::table.filter(ps::user_id.eq(user))).execute(tx)?;
    diesel::delete(pr::table.filter(pr::user_id.eq(user))).execute(tx)?;
    diesel::delete(v::table.filter(v::user_id.eq(user))).execute(tx)?;
    diesel::delete(sy::table.filter(sy::user_id.eq(user))).execute(tx)?;
    diesel::delete(an::table.filter(an::user_id.eq(user))).execute(tx)?;
    Ok(())
}

#[async_trait]
impl ContentRepository for DieselContentRepository {
    async fn video_sync_state(&self, user_id: &UserId) -> Result<VideoSyncState, RepositoryError> {
        let user = user_id.as_str().to_owned();
        let state = self.db.run(move |conn| {
            type Row = (
                Option<chrono::NaiveDateTime>,
                Option<chrono::NaiveDateTime>,
                Option<i64>,
                Option<chrono::NaiveDateTime>,
            );
            let row = sy::table
                .find(user)
                .select((
                    sy::videos_synced_at,
                    sy::last_full_sync_at,
                    sy::listing_cursor,
                    sy::listing_since,
                ))
                .first::<Row>(conn)
                .optional()?;
            Ok::<_, QueryFailure>(row.map_or_else(
                VideoSyncState::default,
                |(synced, full, cursor, since)| VideoSyncState {
                    videos_synced_at: synced.map(|t| t.and_utc()),
                    last_full_sync_at: full.map(|t| t.and_utc()),
                    resume: cursor.zip(since).map(|(cursor, since)| ListingResume {
                        cursor,
                        since: since.and_utc(),
                    }),
                },
            ))
        });
        Ok(state.await?)
    }

    async fn upsert_videos(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        videos: &[Video],
        seen_at: DateTime<Utc>,
        bucket_start: DateTime<Utc>,
    ) -> Result<UpsertReport, RepositoryError> {
        let (user, page) = (user_id.as_str().to_owned(), videos.to_vec());
        let generation = generation.as_str().to_owned();
        let report = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                content_videos::upsert_page(tx, &user, &page, seen_at, bucket_start)
            })
        });
        Ok(report.await?)
    }

    async fn finish_video_sync(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        end: &VideoSyncEnd,
    ) -> Result<u64, RepositoryError> {
        let (user, end) = (user_id.as_str().to_owned(), *end);
        let generation = generation.as_str().to_owned();
        let deleted = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                content_videos::finish(tx, &user, &end)
            })
        });
        Ok(deleted.await?)
    }

    async fn record_profile_snapshot(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        snapshot: &ProfileSnapshot,
    ) -> Result<(), RepositoryError> {
        let (user, snapshot) = (user_id.as_str().to_owned(), *snapshot);
        let generation = generation.as_str().to_owned();
        let recorded = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                hold_connection(tx, &user, &generation)?;
                content_history::record(tx, &user, &snapshot)
            })
        });
        Ok(recorded.await?)
    }

    async fn list_videos(
        &self,
        user_id: &UserId,
        query: &VideoQuery,
    ) -> Result<VideoList, RepositoryError> {
        let (user, query) = (user_id.as_str().to_owned(), query.clone());
        let list = self
            .db
            .run(move |conn| content_list::list(conn, &user, &query));
        Ok(list.await?)
    }

    async fn profile_history(
        &self,
        user_id: &UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        interval: HistoryInterval,
    ) -> Result<Vec<HistoryPoint>, RepositoryError> {
        let user = user_id.as_str().to_owned();
        let points = self
            .db
            .run(move |conn| content_history::history(conn, &user, from, to, interval));
        Ok(points.await?)
    }

    async fn analytics_data(
        &self,
        user_id: &UserId,
        query: &AnalyticsQuery,
    ) -> Result<AnalyticsData, RepositoryError> {
        let (user, query) = (user_id.as_str().to_owned(), query.clone());
        let data = self
            .db
            .run(move |conn| content_history::analytics(conn, &user, &query));
        Ok(data.await?)
    }

    async fn save_analytics(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        analytics: &Analytics,
        computed_at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let row = AnalyticsRow::new(user_id.as_str(), analytics, computed_at)
            .map_err(|e| RepositoryError::Unexpected(Box::new(e)))?;
        let (user, generation) = (user_id.as_str().to_owned(), generation.as_str().to_owned());
        let saved = self.db.run(move |conn| {
            write_transaction(conn, |conn| {
                hold_connection(conn, &user, &generation)?;
                let upsert = diesel::insert_into(an::table)
                    .values(&row)
                    .on_conflict(an::user_id)
                    .do_update()
                    .set((
                        an::computed_at.eq(excluded(an::computed_at)),
                        an::layout.eq(excluded(an::layout)),
                        an::body.eq(excluded(an::body)),
                    ));
                // `ON CONFLICT … DO UPDATE … WHERE`: of two syncs finishing out of order, the later
                // computation stays.
                let newer_only = diesel::query_dsl::methods::FilterDsl::filter(
                    upsert,
                    an::computed_at.le(excluded(an::computed_at)),
                );
                on_inner!(conn, c => newer_only.execute(c))?;
                Ok::<_, QueryFailure>(())
            })
        });
        Ok(saved.await?)
    }

    async fn purge(&self, user_id: &UserId) -> Result<(), RepositoryError> {
        let user = user_id.as_str().to_owned();
        let purged = self
            .db
            .run(move |conn| write_transaction(conn, |tx| purge_user(tx, &user)));
        Ok(purged.await?)
    }

    async fn purge_history_before(&self, cutoff: DateTime<Utc>) -> Result<u64, RepositoryError> {
        let purged = self.db.run(move |conn| {
            let cutoff = naive(cutoff);
            let profiles =
                diesel::delete(ps::table.filter(ps::bucket_start.lt(cutoff))).execute(conn)?;
            diesel::delete(pr::table.filter(pr::span_start.lt(cutoff))).execute(conn)?;
            let videos =
                diesel::delete(vs::table.filter(vs::bucket_start.lt(cutoff))).execute(conn)?;
            Ok::<_, QueryFailure>(u64::try_from(profiles + videos).unwrap_or(u64::MAX))
        });
        Ok(purged.await?)
    }
}

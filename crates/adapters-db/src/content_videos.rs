//! Video writes: a constant number of statements per page of TikTok's list.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use tiktok_domain::content::{UpsertReport, VideoSyncEnd};
use tiktok_domain::ports::Video;

use crate::connection::AnyConnection;
use crate::content_models::{VideoRow, VideoSnapshotRow};
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_video_snapshots::{self as vs, table as video_snapshots};
use crate::schema::tiktok_video_syncs::{self as sy, table as syncs};
use crate::schema::tiktok_videos::{self as v, table as videos};

/// Runs the same statement on the inner connection of either backend (for `ON CONFLICT`, which the
/// multi-backend connection does not offer).
macro_rules! on_inner {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            AnyConnection::Postgres($c) => $body,
            AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_inner;

/// Stores one page (inside the caller's transaction): reads the known rows once, inserts the new ones,
/// rewrites the changed ones, moves `last_seen_at` of the unchanged ones in one statement, and keeps a
/// snapshot of every new or changed video's counts.
pub(crate) fn upsert_page(
    tx: &mut AnyConnection,
    user: &str,
    page: &[Video],
    seen_at: DateTime<Utc>,
    bucket_start: DateTime<Utc>,
) -> Result<UpsertReport, QueryFailure> {
    let mut incoming: Vec<VideoRow> = Vec::with_capacity(page.len());
    for video in page {
        // TikTok should not repeat an id within a page; if it does, the last description wins.
        incoming.retain(|row| row.video_id != video.id);
        incoming.push(VideoRow::new(user, video, seen_at));
    }
    let ids: Vec<&str> = incoming.iter().map(|r| r.video_id.as_str()).collect();
    let known: Vec<VideoRow> = videos
        .filter(v::user_id.eq(user))
        .filter(v::video_id.eq_any(&ids))
        .load(tx)?;
    let (seen, bucket) = (naive(seen_at), naive(bucket_start));
    let mut report = UpsertReport::default();
    let (mut new_rows, mut snapshots, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
    for row in incoming {
        match known.iter().find(|k| k.video_id == row.video_id) {
            None => {
                report.inserted += 1;
                snapshots.push(row.snapshot(bucket));
                new_rows.push(row);
            }
            Some(old) if old.deleted_at.is_some() || old.differs_from(&row) => {
                if old.deleted_at.is_some() {
                    report.inserted += 1;
                } else {
                    report.changed += 1;
                }
                if old.deleted_at.is_some() || old.counts() != row.counts() {
                    snapshots.push(row.snapshot(bucket));
                }
                rewrite(tx, &row, old.last_seen_at.max(seen))?;
            }
            Some(_) => {
                report.unchanged += 1;
                unchanged.push(row.video_id);
            }
        }
    }
    if !unchanged.is_empty() {
        diesel::update(videos.filter(v::user_id.eq(user)))
            .filter(v::video_id.eq_any(&unchanged))
            .filter(v::last_seen_at.lt(seen))
            .set(v::last_seen_at.eq(seen))
            .execute(tx)?;
    }
    insert_new(tx, &new_rows)?;
    keep_snapshots(tx, &snapshots)?;
    Ok(report)
}

/// Rewrites a known video with TikTok's description; it is visible again if it was marked deleted.
fn rewrite(
    tx: &mut AnyConnection,
    row: &VideoRow,
    last_seen: chrono::NaiveDateTime,
) -> Result<(), QueryFailure> {
    diesel::update(videos.find((&row.user_id, &row.video_id)))
        .set((
            v::title.eq(&row.title),
            v::description.eq(&row.description),
            v::create_time.eq(row.create_time),
            v::duration.eq(row.duration),
            v::share_url.eq(&row.share_url),
            v::embed_link.eq(&row.embed_link),
            v::view_count.eq(row.view_count),
            v::like_count.eq(row.like_count),
            v::comment_count.eq(row.comment_count),
            v::share_count.eq(row.share_count),
            v::sort_created.eq(row.sort_created),
            v::sort_views.eq(row.sort_views),
            v::last_seen_at.eq(last_seen),
            v::deleted_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(tx)?;
    Ok(())
}

/// New videos: one multi-row insert on PostgreSQL, row by row on SQLite (which Diesel does not batch
/// with `ON CONFLICT`). A video stored meanwhile by a concurrent sync is left to it.
fn insert_new(tx: &mut AnyConnection, rows: &[VideoRow]) -> Result<(), QueryFailure> {
    if rows.is_empty() {
        return Ok(());
    }
    match tx {
        AnyConnection::Postgres(c) => {
            diesel::insert_into(videos)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)?;
        }
        AnyConnection::Sqlite(c) => {
            for row in rows {
                diesel::insert_into(videos)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Video snapshots, one per video and bucket (a later change in the same bucket replaces the counts).
fn keep_snapshots(tx: &mut AnyConnection, rows: &[VideoSnapshotRow]) -> Result<(), QueryFailure> {
    if rows.is_empty() {
        return Ok(());
    }
    macro_rules! upsert {
        ($c:expr, $values:expr) => {
            diesel::insert_into(video_snapshots)
                .values($values)
                .on_conflict((vs::user_id, vs::video_id, vs::bucket_start))
                .do_update()
                .set((
                    vs::recorded_at.eq(excluded(vs::recorded_at)),
                    vs::view_count.eq(excluded(vs::view_count)),
                    vs::like_count.eq(excluded(vs::like_count)),
                    vs::comment_count.eq(excluded(vs::comment_count)),
                    vs::share_count.eq(excluded(vs::share_count)),
                ))
                .execute($c)?
        };
    }
    match tx {
        AnyConnection::Postgres(c) => {
            upsert!(c, rows);
        }
        AnyConnection::Sqlite(c) => {
            for row in rows {
                upsert!(c, row);
            }
        }
    }
    Ok(())
}

/// Marks unseen videos deleted after a complete listing, and records the sync's end.
pub(crate) fn finish(
    tx: &mut AnyConnection,
    user: &str,
    end: &VideoSyncEnd,
) -> Result<u64, QueryFailure> {
    let at = naive(end.at);
    let mut deleted = 0;
    if let Some(since) = end.complete_listing_since {
        deleted = diesel::update(videos.filter(v::user_id.eq(user)))
            .filter(v::deleted_at.is_null())
            .filter(v::last_seen_at.lt(naive(since)))
            .set(v::deleted_at.eq(at))
            .execute(tx)?;
    }
    let full = end.complete_listing_since.map(|_| at);
    let cursor = end.resume.map(|r| r.cursor);
    let since = end.resume.map(|r| naive(r.since));
    on_inner!(tx, c => diesel::insert_into(syncs)
        .values((
            sy::user_id.eq(user),
            sy::videos_synced_at.eq(at),
            sy::last_full_sync_at.eq(full),
            sy::listing_cursor.eq(cursor),
            sy::listing_since.eq(since),
        ))
        .on_conflict(sy::user_id)
        .do_update()
        .set((
            sy::videos_synced_at.eq(at),
            sy::listing_cursor.eq(cursor),
            sy::listing_since.eq(since),
            sy::last_full_sync_at.eq(diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>>(
                "COALESCE(excluded.last_full_sync_at, tiktok_video_syncs.last_full_sync_at)",
            )),
        ))
        .execute(c))?;
    Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
}

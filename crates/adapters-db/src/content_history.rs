//! Snapshots, their day and week rollups, the history series and the analytics queries: a constant number
//! of statements each.

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel::upsert::excluded;
use tiktok_domain::content::{
    AnalyticsData, AnalyticsQuery, HistoryInterval, HistoryPoint, ProfileSnapshot, StoredVideo,
    VideoSyncState, VideoTotals,
};

use crate::connection::AnyConnection;
use crate::content_models::VideoRow;
use crate::content_videos::on_inner;
use crate::errors::QueryFailure;
use crate::history_models::{ProfileSnapshotRow, RollupRow};
use crate::models::naive;
use crate::schema::tiktok_profile_rollups::{self as pr, table as rollups};
use crate::schema::tiktok_profile_snapshots::{self as ps, table as profile_snapshots};
use crate::schema::tiktok_video_syncs::{self as sy, table as syncs};
use crate::schema::tiktok_videos::{self as v, table as videos};

/// Keeps the snapshot in its bucket and rolls it up into its day and week; in each, a later sync replaces
/// the counts (in the caller's transaction).
pub(crate) fn record(
    tx: &mut AnyConnection,
    user: &str,
    snapshot: &ProfileSnapshot,
) -> Result<(), QueryFailure> {
    let row = ProfileSnapshotRow::new(user, snapshot);
    on_inner!(tx, c => diesel::insert_into(profile_snapshots)
        .values(&row)
        .on_conflict((ps::user_id, ps::bucket_start))
        .do_update()
        .set((
            ps::recorded_at.eq(excluded(ps::recorded_at)),
            ps::follower_count.eq(excluded(ps::follower_count)),
            ps::following_count.eq(excluded(ps::following_count)),
            ps::like_count.eq(excluded(ps::like_count)),
            ps::video_count.eq(excluded(ps::video_count)),
        ))
        .execute(c))?;
    for interval in [HistoryInterval::Day, HistoryInterval::Week] {
        let rollup = RollupRow::new(user, interval, snapshot);
        on_inner!(tx, c => diesel::insert_into(rollups)
            .values(&rollup)
            .on_conflict((pr::user_id, pr::span, pr::span_start))
            .do_update()
            .set((
                pr::recorded_at.eq(excluded(pr::recorded_at)),
                pr::follower_count.eq(excluded(pr::follower_count)),
                pr::following_count.eq(excluded(pr::following_count)),
                pr::like_count.eq(excluded(pr::like_count)),
                pr::video_count.eq(excluded(pr::video_count)),
            ))
            .execute(c))?;
    }
    Ok(())
}

/// The days or weeks starting in `[from, to)`: one index range scan, one row per point.
pub(crate) fn history(
    conn: &mut AnyConnection,
    user: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    interval: HistoryInterval,
) -> Result<Vec<HistoryPoint>, QueryFailure> {
    let rows: Vec<RollupRow> = rollups
        .filter(pr::user_id.eq(user))
        .filter(pr::span.eq(interval.as_str()))
        .filter(pr::span_start.ge(naive(from)))
        .filter(pr::span_start.lt(naive(to)))
        .order(pr::span_start.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(HistoryPoint::from).collect())
}

/// The latest snapshot, one baseline per window, two aggregates, the top videos and the sync state.
pub(crate) fn analytics(
    conn: &mut AnyConnection,
    user: &str,
    query: &AnalyticsQuery,
) -> Result<AnalyticsData, QueryFailure> {
    let newest_up_to = |conn: &mut AnyConnection, bound: Option<DateTime<Utc>>| {
        let mut q = profile_snapshots
            .filter(ps::user_id.eq(user.to_owned()))
            .into_boxed();
        if let Some(bound) = bound {
            q = q.filter(ps::bucket_start.le(naive(bound)));
        }
        q.order(ps::bucket_start.desc())
            .first::<ProfileSnapshotRow>(conn)
            .optional()
            .map(|row| row.map(ProfileSnapshot::from))
    };
    let latest = newest_up_to(conn, None)?;
    let mut baselines = Vec::with_capacity(query.growth_days.len());
    for days in &query.growth_days {
        let baseline = match latest {
            Some(l) => newest_up_to(conn, Some(l.bucket_start - Duration::days(*days)))?,
            None => None,
        };
        baselines.push((*days, baseline));
    }
    let all_videos = totals(conn, user, None)?;
    let recent_videos = totals(conn, user, Some(query.recent_since.timestamp()))?;
    let top: Vec<VideoRow> = videos
        .filter(v::user_id.eq(user))
        .filter(v::deleted_at.is_null())
        .order((v::sort_views.desc(), v::video_id.desc()))
        .limit(i64::from(query.top))
        .load(conn)?;
    let sync = syncs
        .find(user)
        .select((sy::videos_synced_at, sy::last_full_sync_at))
        .first::<(Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>)>(conn)
        .optional()?
        .map(|(synced, full)| VideoSyncState {
            videos_synced_at: synced.map(|t| t.and_utc()),
            last_full_sync_at: full.map(|t| t.and_utc()),
            resume: None,
        })
        .unwrap_or_default();
    Ok(AnalyticsData {
        latest,
        baselines,
        all_videos,
        recent_videos,
        top_videos: top.into_iter().map(StoredVideo::from).collect(),
        sync,
    })
}

/// Sums over visible videos whose four counts are known, posted at or after `since` (Unix seconds).
fn totals(
    conn: &mut AnyConnection,
    user: &str,
    since: Option<i64>,
) -> Result<VideoTotals, QueryFailure> {
    let mut q = videos
        .filter(v::user_id.eq(user.to_owned()))
        .filter(v::deleted_at.is_null())
        .filter(v::view_count.is_not_null())
        .filter(v::like_count.is_not_null())
        .filter(v::comment_count.is_not_null())
        .filter(v::share_count.is_not_null())
        .into_boxed();
    if let Some(since) = since {
        q = q.filter(v::sort_created.ge(since));
    }
    // SUM of BIGINT is NUMERIC on PostgreSQL: cast back, the same text on both backends.
    let sum = |column: &str| sql::<Nullable<BigInt>>(&format!("CAST(SUM({column}) AS BIGINT)"));
    let (count, views, likes, comments, shares) = q
        .select((
            count_star(),
            sum("view_count"),
            sum("like_count"),
            sum("comment_count"),
            sum("share_count"),
        ))
        .first::<(i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>)>(conn)?;
    Ok(VideoTotals {
        videos: count,
        views: views.unwrap_or(0),
        likes: likes.unwrap_or(0),
        comments: comments.unwrap_or(0),
        shares: shares.unwrap_or(0),
    })
}

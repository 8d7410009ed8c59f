//! The keyset listing of stored videos: one statement per page, on an index, never OFFSET.

use diesel::prelude::*;
use tiktok_domain::content::{StoredVideo, VideoCursor, VideoList, VideoQuery, VideoSort};

use crate::connection::AnyConnection;
use crate::content_models::VideoRow;
use crate::errors::QueryFailure;
use crate::schema::tiktok_videos::{self as v, table as videos};

/// One keyset page: `limit + 1` rows are read to know whether another page follows.
pub(crate) fn list(
    conn: &mut AnyConnection,
    user: &str,
    query: &VideoQuery,
) -> Result<VideoList, QueryFailure> {
    let mut q = videos
        .filter(v::user_id.eq(user.to_owned()))
        .filter(v::deleted_at.is_null())
        .into_boxed();
    let after = query.after.as_ref();
    q = match query.sort {
        VideoSort::Newest => {
            if let Some(c) = after {
                q = q.filter(v::sort_created.le(c.key)).filter(
                    v::sort_created
                        .lt(c.key)
                        .or(v::video_id.lt(c.video_id.clone())),
                );
            }
            q.order((v::sort_created.desc(), v::video_id.desc()))
        }
        VideoSort::Oldest => {
            if let Some(c) = after {
                q = q.filter(v::sort_created.ge(c.key)).filter(
                    v::sort_created
                        .gt(c.key)
                        .or(v::video_id.gt(c.video_id.clone())),
                );
            }
            q.order((v::sort_created.asc(), v::video_id.asc()))
        }
        VideoSort::MostViewed => {
            if let Some(c) = after {
                q = q.filter(v::sort_views.le(c.key)).filter(
                    v::sort_views
                        .lt(c.key)
                        .or(v::video_id.lt(c.video_id.clone())),
                );
            }
            q.order((v::sort_views.desc(), v::video_id.desc()))
        }
    };
    let mut rows: Vec<VideoRow> = q.limit(i64::from(query.limit) + 1).load(conn)?;
    let more = rows.len() > query.limit as usize;
    rows.truncate(query.limit as usize);
    let next = match rows.last() {
        Some(last) if more => Some(VideoCursor {
            sort: query.sort,
            key: last.key(query.sort),
            video_id: last.video_id.clone(),
        }),
        _ => None,
    };
    Ok(VideoList {
        videos: rows.into_iter().map(StoredVideo::from).collect(),
        next,
    })
}

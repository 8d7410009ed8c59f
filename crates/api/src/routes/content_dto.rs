//! The JSON bodies of the videos endpoint (and the videos of the metrics body), its cursor, and the
//! status body's missing data.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::DateTime;
use serde::Serialize;
use tiktok_domain::content::{StoredVideo, VideoCursor, VideoList, VideoSort};
use tiktok_domain::usecases::MissingData;
use utoipa::ToSchema;

use super::timestamps::rfc3339;
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

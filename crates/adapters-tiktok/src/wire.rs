//! Display API data shapes, private to the crate.

use serde::{Deserialize, Deserializer};
use tiktok_domain::ports::Video;

/// `data` of `/v2/user/info/`. Every field is optional: only requested ones come back.
#[derive(Deserialize)]
pub(crate) struct UserData {
    pub user: UserDto,
}

#[derive(Deserialize)]
pub(crate) struct UserDto {
    pub open_id: Option<String>,
    pub union_id: Option<String>,
    pub avatar_url: Option<String>,
    pub display_name: Option<String>,
    pub username: Option<String>,
    pub follower_count: Option<i64>,
    pub following_count: Option<i64>,
    pub likes_count: Option<i64>,
    pub video_count: Option<i64>,
}

/// `data` of `/v2/video/list/`.
#[derive(Deserialize)]
pub(crate) struct VideoData {
    #[serde(default)]
    pub videos: Vec<VideoDto>,
    pub cursor: Option<i64>,
    pub has_more: Option<bool>,
}

#[derive(Deserialize)]
pub(crate) struct VideoDto {
    #[serde(deserialize_with = "id_text")]
    id: String,
    title: Option<String>,
    video_description: Option<String>,
    create_time: Option<i64>,
    duration: Option<i64>,
    share_url: Option<String>,
    embed_link: Option<String>,
    view_count: Option<i64>,
    like_count: Option<i64>,
    comment_count: Option<i64>,
    share_count: Option<i64>,
}

/// Video ids are 19-digit strings; a bare number (beyond 2^53 for JavaScript, fine for u64) is kept exact.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(u64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Number(n) => n.to_string(),
    })
}

impl From<VideoDto> for Video {
    fn from(v: VideoDto) -> Self {
        Video {
            id: v.id,
            title: v.title,
            description: v.video_description,
            create_time: v.create_time,
            duration: v.duration,
            share_url: v.share_url,
            embed_link: v.embed_link,
            view_count: v.view_count,
            like_count: v.like_count,
            comment_count: v.comment_count,
            share_count: v.share_count,
        }
    }
}

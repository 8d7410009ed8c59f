//! Deterministic fake videos and the video list's cursor paging.

use serde_json::{Map, Value};

use crate::config::FakeUser;
use crate::ids::user_seed;

/// Every field of TikTok's Video Object.
pub(crate) const VIDEO_FIELDS: &[&str] = &[
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
];

/// `create_time` of every user's newest video: 2026-01-01T00:00:00Z.
const NEWEST_CREATE_TIME: i64 = 1_767_225_600;
/// Seconds between two videos of a user.
const SPACING: i64 = 3 * 3_600;
/// The first video id; all ids have 19 digits.
const ID_BASE: u64 = 7_300_000_000_000_000_000;

/// `create_time` (seconds) of the user's video at `index` (0 = newest).
fn create_time(index: u32) -> i64 {
    NEWEST_CREATE_TIME - i64::from(index) * SPACING
}

/// The index of the newest video posted strictly before `cursor_ms`.
fn first_index_before(cursor_ms: i64) -> u32 {
    let newest_ms = NEWEST_CREATE_TIME * 1_000;
    if cursor_ms > newest_ms {
        return 0;
    }
    let skipped = (newest_ms - cursor_ms) / (SPACING * 1_000) + 1;
    u32::try_from(skipped).unwrap_or(u32::MAX)
}

/// One page: the requested fields of the videos, the next cursor and whether more follow.
pub(crate) struct Page {
    pub videos: Vec<Value>,
    pub cursor: i64,
    pub has_more: bool,
}

/// The page of `user`'s videos posted before `cursor` (milliseconds), newest first.
pub(crate) fn page(user: &FakeUser, cursor: Option<i64>, max_count: u32, fields: &[&str]) -> Page {
    let start = cursor
        .map(first_index_before)
        .unwrap_or(0)
        .min(user.video_count);
    let end = start.saturating_add(max_count).min(user.video_count);
    let videos = (start..end).map(|i| video(user, i, fields)).collect();
    let cursor = match end.checked_sub(1) {
        Some(last) if end > start => create_time(last) * 1_000,
        _ => cursor.unwrap_or(0),
    };
    Page {
        videos,
        cursor,
        has_more: end < user.video_count,
    }
}

/// The requested fields of `user`'s video at `index`.
fn video(user: &FakeUser, index: u32, fields: &[&str]) -> Value {
    let seq = u64::from(user.video_count - index);
    let id = (ID_BASE + user_seed(&user.username) * 100_000 + seq).to_string();
    let n = i64::from(user.video_count - index);
    let embed_link = format!("https://www.tiktok.com/static/profile-video?id={id}");
    let all: Vec<(&str, Value)> = vec![
        ("create_time", create_time(index).into()),
        (
            "cover_image_url",
            format!(
                "https://p16-sign.tiktokcdn.com/sandbox/{id}~tplv-noop.jpeg?x-expires=1767247200"
            )
            .into(),
        ),
        (
            "share_url",
            format!("https://www.tiktok.com/@{}/video/{id}", user.username).into(),
        ),
        (
            "video_description",
            format!("Sandbox video {n} of {} #sandbox", user.username).into(),
        ),
        ("duration", (5 + n % 55).into()),
        ("height", 1024.into()),
        ("width", 576.into()),
        ("title", format!("Sandbox video {n}").into()),
        (
            "embed_html",
            format!("<blockquote class=\"tiktok-embed\" cite=\"{embed_link}\"></blockquote>")
                .into(),
        ),
        ("embed_link", embed_link.into()),
        ("like_count", (n * 17 % 5_000).into()),
        ("comment_count", (n * 7 % 300).into()),
        ("share_count", (n * 3 % 100).into()),
        ("view_count", (n * 1_009 % 250_000).into()),
        ("id", id.into()),
    ];
    let map: Map<String, Value> = all
        .into_iter()
        .filter(|(name, _)| fields.contains(name))
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_five_videos_come_in_three_pages_of_twenty_newest_first() {
        let user = FakeUser::new("u", 45);
        let first = page(&user, None, 20, &["id", "create_time"]);
        assert_eq!(first.videos.len(), 20);
        assert!(first.has_more);
        let second = page(&user, Some(first.cursor), 20, &["id", "create_time"]);
        assert_eq!(second.videos.len(), 20);
        let third = page(&user, Some(second.cursor), 20, &["id", "create_time"]);
        assert_eq!(third.videos.len(), 5);
        assert!(!third.has_more);
        let times: Vec<i64> = [first.videos, second.videos, third.videos]
            .concat()
            .iter()
            .map(|v| v["create_time"].as_i64().unwrap_or_default())
            .collect();
        assert!(times.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn ids_have_nineteen_digits_and_only_requested_fields_are_present() {
        let user = FakeUser::new("u", 3);
        let p = page(&user, None, 10, &["id"]);
        let video = p.videos[0].as_object().cloned().unwrap_or_default();
        assert_eq!(video.len(), 1);
        assert_eq!(video["id"].as_str().map(str::len), Some(19));
    }
}

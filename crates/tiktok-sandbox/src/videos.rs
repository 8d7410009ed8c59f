//! Deterministic fake videos and the video list's cursor paging.

use serde_json::{Map, Value};

use crate::changes::VideoChanges;
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

/// Seconds between two videos of a user.
const SPACING: i64 = 3 * 3_600;
/// The first video id; all ids have 19 digits.
const ID_BASE: u64 = 7_300_000_000_000_000_000;

/// When the videos were posted: every user's newest video at `newest` (Unix seconds), each older one
/// [`SPACING`] before the next. The sandbox dates it an hour before it starts, so that a fresh run has
/// videos within the last days (a 30-day engagement rate) whatever the date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeline {
    newest: i64,
}

impl Timeline {
    /// The newest video an hour before `now` (Unix seconds), on a whole minute.
    pub(crate) fn before(now: i64) -> Self {
        let newest = now - 3_600;
        Self {
            newest: newest - newest.rem_euclid(60),
        }
    }

    /// `create_time` (seconds) of a user's video at `index` (0 = newest).
    fn create_time(self, index: u32) -> i64 {
        self.newest - i64::from(index) * SPACING
    }

    /// The index of the newest video posted strictly before `cursor_ms`.
    fn first_index_before(self, cursor_ms: i64) -> u32 {
        let newest_ms = self.newest * 1_000;
        if cursor_ms > newest_ms {
            return 0;
        }
        let skipped = (newest_ms - cursor_ms) / (SPACING * 1_000) + 1;
        u32::try_from(skipped).unwrap_or(u32::MAX)
    }
}

/// One page: the requested fields of the videos, the next cursor and whether more follow.
pub(crate) struct Page {
    pub videos: Vec<Value>,
    pub cursor: i64,
    pub has_more: bool,
}

/// The id of `user`'s video at `index` (0 = newest).
pub(crate) fn id_of(user: &FakeUser, index: u32) -> String {
    let seq = u64::from(user.video_count - index);
    (ID_BASE + user_seed(&user.username) * 100_000 + seq).to_string()
}

/// The page of `user`'s videos posted before `cursor` (milliseconds), newest first; deleted videos are
/// skipped (a page may then be short, as at TikTok) and changed counts shown.
pub(crate) fn page(
    user: &FakeUser,
    changes: &VideoChanges,
    timeline: Timeline,
    cursor: Option<i64>,
    max_count: u32,
    fields: &[&str],
) -> Page {
    let start = cursor
        .map(|c| timeline.first_index_before(c))
        .unwrap_or(0)
        .min(user.video_count);
    let visible = |i: u32| !changes.is_deleted(&id_of(user, i));
    let (mut next, mut picked) = (start, Vec::new());
    while next < user.video_count && picked.len() < max_count as usize {
        if visible(next) {
            picked.push(next);
        }
        next += 1;
    }
    let has_more = if changes.deleted_count() == 0 {
        next < user.video_count
    } else {
        (next..user.video_count).any(visible)
    };
    let cursor = match next.checked_sub(1) {
        Some(last) if next > start => timeline.create_time(last) * 1_000,
        _ => cursor.unwrap_or(0),
    };
    Page {
        videos: picked
            .into_iter()
            .map(|i| video(user, changes, timeline.create_time(i), i, fields))
            .collect(),
        cursor,
        has_more,
    }
}

/// The requested fields of `user`'s video at `index`.
fn video(
    user: &FakeUser,
    changes: &VideoChanges,
    create_time: i64,
    index: u32,
    fields: &[&str],
) -> Value {
    let id = id_of(user, index);
    let n = i64::from(user.video_count - index);
    let counts = changes.counts(&id);
    let embed_link = format!("https://www.tiktok.com/static/profile-video?id={id}");
    let all: Vec<(&str, Value)> = vec![
        ("create_time", create_time.into()),
        (
            "cover_image_url",
            format!(
                "https://p16-sign.tiktokcdn.com/sandbox/{id}~tplv-noop.jpeg?x-expires={}",
                create_time + 30 * 86_400
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
        (
            "like_count",
            counts.map_or(n * 17 % 5_000, |c| c.like_count).into(),
        ),
        (
            "comment_count",
            counts.map_or(n * 7 % 300, |c| c.comment_count).into(),
        ),
        (
            "share_count",
            counts.map_or(n * 3 % 100, |c| c.share_count).into(),
        ),
        (
            "view_count",
            counts.map_or(n * 1_009 % 250_000, |c| c.view_count).into(),
        ),
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

    const TIMELINE: Timeline = Timeline {
        newest: 1_767_225_600,
    };

    #[test]
    fn the_newest_video_is_an_hour_before_the_start_on_a_whole_minute() {
        let timeline = Timeline::before(1_767_225_659);
        assert_eq!(timeline.create_time(0), 1_767_222_000);
        assert_eq!(timeline.create_time(2), 1_767_222_000 - 2 * SPACING);
    }

    #[test]
    fn forty_five_videos_come_in_three_pages_of_twenty_newest_first() {
        let (user, none) = (FakeUser::new("u", 45), VideoChanges::default());
        let first = page(&user, &none, TIMELINE, None, 20, &["id", "create_time"]);
        assert_eq!(first.videos.len(), 20);
        assert!(first.has_more);
        let second = page(
            &user,
            &none,
            TIMELINE,
            Some(first.cursor),
            20,
            &["id", "create_time"],
        );
        assert_eq!(second.videos.len(), 20);
        let third = page(
            &user,
            &none,
            TIMELINE,
            Some(second.cursor),
            20,
            &["id", "create_time"],
        );
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
        let (user, none) = (FakeUser::new("u", 3), VideoChanges::default());
        let p = page(&user, &none, TIMELINE, None, 10, &["id"]);
        let video = p.videos[0].as_object().cloned().unwrap_or_default();
        assert_eq!(video.len(), 1);
        assert_eq!(video["id"].as_str().map(str::len), Some(19));
    }

    #[test]
    fn deleted_videos_are_skipped_across_pages_and_changed_counts_shown() {
        let user = FakeUser::new("u", 25);
        let mut changes = VideoChanges::default();
        for i in [0, 19, 20, 24] {
            changes.delete(&id_of(&user, i));
        }
        let counts = crate::VideoCounts {
            view_count: 1,
            like_count: 2,
            comment_count: 3,
            share_count: 4,
        };
        changes.set_counts(&id_of(&user, 1), counts);
        let first = page(&user, &changes, TIMELINE, None, 20, &["id", "view_count"]);
        assert_eq!(first.videos.len(), 20, "1 to 18, then 21 and 22");
        assert_eq!(first.videos[0]["id"], id_of(&user, 1).as_str());
        assert_eq!(first.videos[0]["view_count"], 1);
        assert!(first.has_more);
        let second = page(&user, &changes, TIMELINE, Some(first.cursor), 20, &["id"]);
        let ids = vec![id_of(&user, 23)];
        let got: Vec<&str> = second
            .videos
            .iter()
            .filter_map(|v| v["id"].as_str())
            .collect();
        assert_eq!(got, ids);
        assert!(!second.has_more);
    }
}

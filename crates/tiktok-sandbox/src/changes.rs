//! What tests changed about fake users since start: deleted videos, changed video counts, changed
//! profile counts.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// New profile counts of a fake user, as
/// [`SandboxHandle::set_profile_counts`](crate::SandboxHandle::set_profile_counts) or
/// `POST /sandbox/users/{username}/counts` set them; a `None` keeps the current value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileCounts {
    /// `follower_count`.
    pub follower_count: Option<i64>,
    /// `following_count`.
    pub following_count: Option<i64>,
    /// `likes_count`.
    pub likes_count: Option<i64>,
    /// `video_count` as user info reports it (the video list is not changed).
    pub video_count: Option<i64>,
}

/// A video's four counts, as [`SandboxHandle::set_video_counts`](crate::SandboxHandle::set_video_counts)
/// sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VideoCounts {
    /// `view_count`.
    pub view_count: i64,
    /// `like_count`.
    pub like_count: i64,
    /// `comment_count`.
    pub comment_count: i64,
    /// `share_count`.
    pub share_count: i64,
}

/// The changes of one user's videos.
#[derive(Debug, Default, Clone)]
pub(crate) struct VideoChanges {
    deleted: HashSet<String>,
    counts: HashMap<String, VideoCounts>,
    profile: ProfileCounts,
}

impl VideoChanges {
    /// Whether the video was deleted.
    pub(crate) fn is_deleted(&self, video_id: &str) -> bool {
        self.deleted.contains(video_id)
    }

    /// How many videos were deleted.
    pub(crate) fn deleted_count(&self) -> usize {
        self.deleted.len()
    }

    /// The counts set for the video, if any.
    pub(crate) fn counts(&self, video_id: &str) -> Option<VideoCounts> {
        self.counts.get(video_id).copied()
    }

    pub(crate) fn delete(&mut self, video_id: &str) {
        self.deleted.insert(video_id.to_owned());
    }

    pub(crate) fn set_counts(&mut self, video_id: &str, counts: VideoCounts) {
        self.counts.insert(video_id.to_owned(), counts);
    }

    /// The profile counts set so far (`None`: as configured).
    pub(crate) fn profile(&self) -> ProfileCounts {
        self.profile
    }

    /// Sets the given profile counts; the others keep their value.
    pub(crate) fn set_profile(&mut self, counts: ProfileCounts) {
        let p = &mut self.profile;
        p.follower_count = counts.follower_count.or(p.follower_count);
        p.following_count = counts.following_count.or(p.following_count);
        p.likes_count = counts.likes_count.or(p.likes_count);
        p.video_count = counts.video_count.or(p.video_count);
    }
}

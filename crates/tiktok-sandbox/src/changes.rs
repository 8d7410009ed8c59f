//! What tests changed about fake users' videos since start: deleted videos and changed counts.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

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
}

//! Test-only crash injection, compiled with the `failpoints` feature: an armed failpoint panics when the
//! refresh of that user's account reaches it, as a process crashing there would stop.
//!
//! Failpoints are armed per user id, so that tests running side by side in one process do not trip each
//! other's. Never enable the feature in a release build.

use std::sync::{Mutex, PoisonError};

use crate::values::UserId;

/// Where a failpoint can be armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// After TikTok answered a refresh with a new grant, before the grant is stored.
    BeforeRefreshCommit,
}

static ARMED: Mutex<Vec<(FailPoint, String)>> = Mutex::new(Vec::new());

/// Arms `point` for `user_id`'s account until [`disarm`].
pub fn arm(point: FailPoint, user_id: &str) {
    let mut armed = ARMED.lock().unwrap_or_else(PoisonError::into_inner);
    armed.push((point, user_id.to_owned()));
}

/// Disarms `point` for `user_id`'s account.
pub fn disarm(point: FailPoint, user_id: &str) {
    let mut armed = ARMED.lock().unwrap_or_else(PoisonError::into_inner);
    armed.retain(|(p, u)| !(*p == point && u == user_id));
}

/// Panics when `point` is armed for `user_id`.
pub(crate) fn hit(point: FailPoint, user_id: &UserId) {
    let armed = ARMED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .any(|(p, u)| *p == point && u == user_id.as_str());
    if armed {
        panic!("failpoint {point:?} hit for user {user_id}");
    }
}

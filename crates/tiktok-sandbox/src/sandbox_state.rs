//! The state every request handler of the sandbox shares (and the handle steers). Its own module, so that
//! the routes can use it without importing `server`, which imports the routes.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::changes::{ProfileCounts, VideoChanges};
use crate::config::SandboxConfig;
use crate::faults::{Fault, FaultBook};
use crate::ids;
use crate::store::Store;
use crate::videos::Timeline;

/// What every request handler shares.
pub(crate) struct SandboxState {
    pub config: SandboxConfig,
    /// The `open_id` of each configured user, in the same order.
    pub open_ids: Vec<String>,
    store: Mutex<Store>,
    faults: Mutex<FaultBook>,
    /// Per user (same order as `config.users`): deleted videos and changed counts.
    changes: Mutex<Vec<VideoChanges>>,
    /// TikTok Shop's state.
    pub(crate) shop: crate::shop::ShopState,
    /// When the fake videos were posted, relative to the start.
    pub timeline: Timeline,
}

impl SandboxState {
    /// The state of a new sandbox of this configuration.
    pub(crate) fn new(config: SandboxConfig) -> Self {
        let config_users = config.users.len();
        let open_ids = config
            .users
            .iter()
            .map(|u| ids::open_id(&config.client_key, &u.username))
            .collect();
        let shop = crate::shop::ShopState::new(config.shop.clone());
        Self {
            shop,
            config,
            open_ids,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(FaultBook::default()),
            changes: Mutex::new(vec![VideoChanges::default(); config_users]),
            timeline: Timeline::before(unix_now()),
        }
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultBook> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The changes of every user's videos.
    pub(crate) fn changes(&self) -> MutexGuard<'_, Vec<VideoChanges>> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn inject_fault(&self, fault: Fault) {
        tracing::warn!(?fault, "TikTok sandbox: fault switched on");
        self.faults().add(fault);
    }

    pub(crate) fn revoke_grant(&self, open_id: &str) -> usize {
        self.store().revoke_open_id(open_id)
    }

    pub(crate) fn withdraw_scope(&self, open_id: &str, scope: &str) -> usize {
        self.store().withdraw_scope(open_id, scope)
    }

    pub(crate) fn expire_access_tokens(&self) {
        self.store().expire_access_tokens(Instant::now());
    }

    /// Sets a user's profile counts; false for an unknown user.
    pub(crate) fn set_profile_counts(&self, username: &str, counts: ProfileCounts) -> bool {
        let Some(index) = self
            .config
            .users
            .iter()
            .position(|u| u.username == username)
        else {
            return false;
        };
        self.changes()[index].set_profile(counts);
        true
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

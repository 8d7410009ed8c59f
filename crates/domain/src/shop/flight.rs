//! In-process single flight for Shop refreshes: one refresh per seller at a time within this process
//! (across processes the storage lease does the same). A minimal copy of the account integration's
//! `usecases/single_flight.rs` idea (a per-user async mutex that disappears when unused), kept separate
//! because that module is private to the account use cases.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::ports::RefreshLease;
use crate::values::UserId;

type Entry = Arc<AsyncMutex<()>>;

/// Every seller's flight in this process, and this replica's lease owner names.
#[derive(Debug)]
pub(crate) struct Flights {
    replica: String,
    next: AtomicU64,
    map: Mutex<HashMap<UserId, Entry>>,
}

impl Default for Flights {
    fn default() -> Self {
        Self {
            replica: format!("shop-{:016x}", rand::random::<u64>()),
            next: AtomicU64::new(1),
            map: Mutex::default(),
        }
    }
}

impl Flights {
    /// A lease with an owner name never used before.
    pub(crate) fn new_lease(&self, until: DateTime<Utc>) -> RefreshLease {
        let attempt = self.next.fetch_add(1, Ordering::Relaxed);
        RefreshLease {
            owner: format!("{}-{attempt}", self.replica),
            until,
        }
    }

    /// Waits for the user's turn (the caller bounds the wait).
    pub(crate) async fn enter(&self, user: &UserId) -> Turn<'_> {
        let entry = Arc::clone(
            self.map
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(user.clone())
                .or_default(),
        );
        let guard = Arc::clone(&entry).lock_owned().await;
        Turn {
            guard: Some(guard),
            entry: Some(entry),
            flights: self,
            user: user.clone(),
        }
    }
}

/// One request's turn; dropping it lets the next one in and removes the entry when no one waits.
pub(crate) struct Turn<'a> {
    guard: Option<OwnedMutexGuard<()>>,
    entry: Option<Entry>,
    flights: &'a Flights,
    user: UserId,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = self
            .flights
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = self.entry.take() {
            // The map's reference and ours: no one else waits.
            if Arc::strong_count(&entry) == 2 {
                map.remove(&self.user);
            }
        }
    }
}

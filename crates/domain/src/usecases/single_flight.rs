//! In-process single flight: within one process, one refresh per account at a time. Requests that need
//! the same account's refresh queue on its flight and, once their turn comes, read the result from storage
//! (or share the failure of the refresh they waited for). Across processes the storage lease does the same.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

use crate::ports::RefreshLease;
use crate::values::UserId;

use super::ServiceError;

/// How a refresh failed while leaving the stored grant as it was; shared with the requests that waited
/// for it, so that they do not each try again at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefreshFailure {
    /// TikTok was unreachable or did not answer (maybe after rotating: ambiguous).
    Unavailable,
    /// TikTok rate-limited the refresh.
    RateLimited(Option<Duration>),
    /// TikTok answered with an error or a body we could not read.
    Rejected,
}

impl RefreshFailure {
    /// The error a waiting request answers with.
    pub(super) fn to_error(self) -> ServiceError {
        match self {
            RefreshFailure::Unavailable => ServiceError::TikTokUnavailable(
                "the concurrent refresh of this account's token failed".into(),
            ),
            RefreshFailure::RateLimited(retry_after) => ServiceError::RateLimited { retry_after },
            RefreshFailure::Rejected => ServiceError::TikTokError(
                "the concurrent refresh of this account's token failed".into(),
            ),
        }
    }
}

/// What one account's flight remembers while requests queue on it.
#[derive(Debug, Default)]
pub(super) struct Flight {
    last_failure: Option<(Instant, RefreshFailure)>,
}

type Entry = Arc<AsyncMutex<Flight>>;

/// Every account's flight in this process, and the lease owner names of this replica.
#[derive(Debug)]
pub(super) struct RefreshFlights {
    replica: String,
    next_attempt: AtomicU64,
    map: Mutex<HashMap<UserId, Entry>>,
}

impl RefreshFlights {
    /// No flight yet; a random replica id names this process's leases.
    pub(super) fn new() -> Self {
        Self {
            replica: format!("{:016x}", rand::random::<u64>()),
            next_attempt: AtomicU64::new(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> MutexGuard<'_, HashMap<UserId, Entry>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many accounts have a flight (someone refreshing or waiting); for tests.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.map().len()
    }

    /// A lease for a new refresh attempt, with an owner name never used before.
    pub(super) fn new_lease(&self, until: DateTime<Utc>) -> RefreshLease {
        RefreshLease {
            owner: self.new_owner(),
            until,
        }
    }

    /// A lease owner name never used before (this replica's id and a counter).
    pub(super) fn new_owner(&self) -> String {
        let attempt = self.next_attempt.fetch_add(1, Ordering::Relaxed);
        format!("{}-{attempt}", self.replica)
    }

    /// Waits (until `deadline` at the latest) for this account's turn. `None` when the deadline passed.
    pub(super) async fn enter(&self, user_id: &UserId, deadline: Instant) -> Option<Turn<'_>> {
        let shared = Arc::clone(self.map().entry(user_id.clone()).or_default());
        let ticket = Ticket {
            flights: self,
            user_id: user_id.clone(),
            entry: Some(Arc::clone(&shared)),
        };
        let started = Instant::now();
        let turn = match Arc::clone(&shared).try_lock_owned() {
            Ok(guard) => Some((guard, false)),
            Err(_) => tokio::time::timeout_at(deadline, Arc::clone(&shared).lock_owned())
                .await
                .ok()
                .map(|guard| (guard, true)),
        };
        // Before the ticket goes (on a timeout), so that it sees who else still holds the entry.
        drop(shared);
        let (guard, waited) = turn?;
        Some(Turn {
            guard,
            _ticket: ticket,
            started,
            waited,
        })
    }
}

/// One request's turn on an account's flight. Dropping it lets the next request in, and removes the
/// flight when no one else is waiting, so that the map does not grow with every account ever refreshed.
pub(super) struct Turn<'a> {
    // Dropped before the ticket, so that the ticket sees whether anyone else still holds the entry.
    guard: OwnedMutexGuard<Flight>,
    _ticket: Ticket<'a>,
    started: Instant,
    /// Whether another request had the turn when this one arrived.
    pub(super) waited: bool,
}

impl Turn<'_> {
    /// The failure of a refresh that ended while this request waited.
    pub(super) fn failure_while_waiting(&self) -> Option<RefreshFailure> {
        self.guard
            .last_failure
            .filter(|(at, _)| self.waited && *at >= self.started)
            .map(|(_, failure)| failure)
    }

    /// Records that this request's refresh failed, for the requests waiting behind it.
    pub(super) fn record_failure(&mut self, failure: RefreshFailure) {
        self.guard.last_failure = Some((Instant::now(), failure));
    }
}

struct Ticket<'a> {
    flights: &'a RefreshFlights,
    user_id: UserId,
    entry: Option<Entry>,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut map = self.flights.map();
        if let Some(entry) = self.entry.take() {
            // The map's reference and ours: no one else waits or holds the turn.
            let last = Arc::strong_count(&entry) == 2;
            drop(entry);
            if last {
                map.remove(&self.user_id);
            }
        }
    }
}

//! One sync per account at a time, in this process and across replicas.
//!
//! In this process, the first request for an account's sync starts it as a task of its own (so that a
//! caller who goes away does not cut it short); requests that arrive while it runs share its exact result,
//! its error included, after waiting at most `sync_wait`. The TikTok calls it made are charged to the
//! request that started it only.
//!
//! Across replicas, the task first takes the account's sync lease in storage (renewed while the sync runs,
//! freed at its end). If another replica holds
//! it, the task waits (polling every `refresh_poll`, at most `sync_wait`) until the lease is freed, then
//! answers the account as stored by that sync, without calling TikTok. A wait that times out answers
//! `TikTokUnavailable` (503 with `Retry-After`): the sync is still running and its result will be stored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::future::{BoxFuture, Either, FutureExt, Shared};
use tokio::time::Instant;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::account::ConnectionState;
use crate::ports::AccountSchedule;
use crate::values::UserId;

use super::calls::{self, charge};
use super::refresh::LATE_SAVE_PAUSE;
use super::sync::Synced;
use super::{AccountSync, ServiceError};

/// What a sync ended with, shared by every request that waited for it.
struct SyncOutcome {
    result: Result<Synced, ServiceError>,
    /// TikTok calls the sync made.
    calls: u32,
}

/// A running sync that every request for the same account awaits.
type RunningSync = Shared<BoxFuture<'static, Arc<SyncOutcome>>>;

/// The syncs running in this process, one per account at most.
#[derive(Default)]
pub(super) struct SyncFlights {
    next: AtomicU64,
    map: Mutex<HashMap<UserId, (u64, RunningSync)>>,
}

impl SyncFlights {
    fn map(&self) -> MutexGuard<'_, HashMap<UserId, (u64, RunningSync)>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The running sync of `user_id`, or a new one made by `start` (given its id); `true` when new.
    fn join(
        &self,
        user_id: &UserId,
        start: impl FnOnce(u64) -> RunningSync,
    ) -> (RunningSync, bool) {
        let mut map = self.map();
        if let Some((_, running)) = map.get(user_id) {
            return (running.clone(), false);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let started = start(id);
        map.insert(user_id.clone(), (id, started.clone()));
        (started, true)
    }

    /// Forgets sync `id` of `user_id` (the next request starts a new one).
    fn finish(&self, user_id: &UserId, id: u64) {
        let mut map = self.map();
        if map.get(user_id).is_some_and(|(running, _)| *running == id) {
            map.remove(user_id);
        }
    }

    /// How many accounts have a sync running; for tests.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.map().len()
    }
}

/// Forgets a sync when its task ends, however it ends (a panic included).
struct Finish {
    flights: Arc<SyncFlights>,
    user_id: UserId,
    id: u64,
}

impl Drop for Finish {
    fn drop(&mut self) {
        self.flights.finish(&self.user_id, self.id);
    }
}

/// Frees the sync lease from a task of its own if the sync ends without freeing it (a panic).
struct LeaseGuard {
    tasks: TaskTracker,
    schedule: Arc<dyn AccountSchedule>,
    user_id: UserId,
    owner: Option<String>,
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        let Some(owner) = self.owner.take() else {
            return;
        };
        let (schedule, user_id) = (Arc::clone(&self.schedule), self.user_id.clone());
        if tokio::runtime::Handle::try_current().is_ok() {
            self.tasks.spawn(async move {
                if let Err(error) = schedule.release_sync_lease(&user_id, &owner).await {
                    tracing::warn!(user_id = %user_id, %error, "sync lease of a failed sync not freed; it expires on its own");
                }
            });
        }
    }
}

/// The answer when the running sync outlasts the wait.
fn sync_busy() -> ServiceError {
    ServiceError::AccountBusy("a sync of this account is still running; retry shortly".into())
}

impl AccountSync {
    /// The sync of an authorized caller, shared with any sync of the same account already running here or
    /// on another replica (see the module documentation).
    pub(super) async fn synced_account(&self, user_id: &UserId) -> Result<Synced, ServiceError> {
        let (flight, leader) = self
            .flights
            .join(user_id, |id| self.start_sync(user_id, id));
        let outcome = if leader {
            flight.await
        } else {
            tokio::time::timeout(self.config.sync_wait, flight)
                .await
                .map_err(|_| sync_busy())?
        };
        if leader {
            charge(outcome.calls);
        }
        match &outcome.result {
            Ok(synced) => Ok(Synced {
                account: synced.account.clone(),
                analytics: synced.analytics.as_ref().map(Clone::clone).map_err(replay),
            }),
            Err(error) => Err(replay(error)),
        }
    }

    /// Starts the sync of `user_id` as a task, counting its TikTok calls.
    fn start_sync(&self, user_id: &UserId, id: u64) -> RunningSync {
        let this = self.clone();
        let user = user_id.clone();
        let span = tracing::Span::current();
        let task = self.tasks.spawn(
            async move {
                let _finish = Finish {
                    flights: Arc::clone(&this.flights),
                    user_id: user.clone(),
                    id,
                };
                let metered = calls::metered(this.sync_exclusive(&user)).await;
                Arc::new(SyncOutcome {
                    result: metered.value,
                    calls: metered.tiktok_calls,
                })
            }
            .instrument(span),
        );
        async move {
            task.await.unwrap_or_else(|error| {
                Arc::new(SyncOutcome {
                    result: Err(ServiceError::Internal(error.to_string().into())),
                    calls: 0,
                })
            })
        }
        .boxed()
        .shared()
    }

    /// Under the account's sync lease: the sync; or, when another replica holds the lease, what its sync
    /// stored, once the lease is freed.
    async fn sync_exclusive(&self, user_id: &UserId) -> Result<Synced, ServiceError> {
        let deadline = Instant::now() + self.config.sync_wait;
        let owner = self.tokens.new_lease_owner();
        let schedule = &self.schedule;
        let now = self.clock.now();
        let until = now + self.config.sync_lease;
        if schedule
            .try_acquire_sync_lease(user_id, &owner, now, until)
            .await?
        {
            let mut guard = LeaseGuard {
                tasks: self.tasks.clone(),
                schedule: Arc::clone(schedule),
                user_id: user_id.clone(),
                owner: Some(owner.clone()),
            };
            let result = self.sync_renewing_lease(user_id, &owner).await;
            guard.owner = None;
            self.release_sync_lease(user_id, owner).await;
            return result;
        }
        // Held by another replica (or no active account, which the read below answers).
        while schedule.sync_lease_held(user_id, self.clock.now()).await? {
            if Instant::now() + self.config.refresh_poll >= deadline {
                tracing::warn!("another replica's sync of this account outlasted the wait");
                return Err(sync_busy());
            }
            tokio::time::sleep(self.config.refresh_poll).await;
        }
        tracing::info!("another replica synced this account; answering what it stored");
        self.stored_sync(user_id).await
    }

    /// The sync, renewing its lease every third of the lease while it runs: the lease can then be short
    /// (a replica that dies mid-sync holds the account back for one lease at most) and still outlast any
    /// sync. A renewal that fails is logged; the sync goes on.
    async fn sync_renewing_lease(
        &self,
        user_id: &UserId,
        owner: &str,
    ) -> Result<Synced, ServiceError> {
        let every = (self.config.sync_lease / 3)
            .to_std()
            .unwrap_or_default()
            .max(std::time::Duration::from_millis(100));
        let mut sync = std::pin::pin!(self.sync_now(user_id));
        loop {
            let tick = std::pin::pin!(tokio::time::sleep(every));
            match futures::future::select(sync.as_mut(), tick).await {
                Either::Left((result, _)) => return result,
                Either::Right(((), _)) => {
                    let now = self.clock.now();
                    let renewed = self
                        .schedule
                        .try_acquire_sync_lease(user_id, owner, now, now + self.config.sync_lease)
                        .await;
                    if !matches!(renewed, Ok(true)) {
                        tracing::warn!(?renewed, "sync lease not renewed");
                    }
                }
            }
        }
    }

    /// Frees the sync lease; if storage fails, a task outside the request tries again every
    /// [`LATE_SAVE_PAUSE`] until it succeeds or the lease has expired anyway, so that an outage at the end
    /// of a sync does not hold the account's syncs back for the whole lease.
    async fn release_sync_lease(&self, user_id: &UserId, owner: String) {
        let until = self.clock.now() + self.config.sync_lease;
        let Err(error) = self.schedule.release_sync_lease(user_id, &owner).await else {
            return;
        };
        tracing::warn!(%error, "sync lease not freed; trying again");
        let (schedule, clock) = (Arc::clone(&self.schedule), Arc::clone(&self.clock));
        let user_id = user_id.clone();
        let span = tracing::Span::current();
        let task = async move {
            while clock.now() < until {
                tokio::time::sleep(LATE_SAVE_PAUSE).await;
                if schedule.release_sync_lease(&user_id, &owner).await.is_ok() {
                    return tracing::info!(user_id = %user_id, "sync lease freed late");
                }
            }
        };
        self.tasks.spawn(task.instrument(span));
    }

    /// The account and analytics as the last sync stored them.
    async fn stored_sync(&self, user_id: &UserId) -> Result<Synced, ServiceError> {
        let (account, kept) = self
            .accounts
            .find_with_analytics(user_id)
            .await?
            .ok_or(ServiceError::NotConnected)?;
        match account.state {
            ConnectionState::Connected => {}
            ConnectionState::ReauthRequired => return Err(ServiceError::ReauthRequired),
            ConnectionState::Disconnected => return Err(ServiceError::NotConnected),
        }
        let analytics = match (kept, &account.generation) {
            (Some(kept), _) => Ok(kept),
            (None, Some(generation)) => self.analytics.keep(user_id, generation).await,
            (None, None) => Err(ServiceError::NotConnected),
        };
        Ok(Synced { account, analytics })
    }
}

/// The same error again, for another request that shared the sync: the variant (hence the code and
/// status a caller sees) is kept; a cause is kept as its message.
fn replay(error: &ServiceError) -> ServiceError {
    use ServiceError as E;
    let cause = |e: &crate::ports::BoxError| -> crate::ports::BoxError { e.to_string().into() };
    match error {
        E::Forbidden => E::Forbidden,
        E::InvalidRequest(message) => E::InvalidRequest(message.clone()),
        E::InvalidRedirectUri => E::InvalidRedirectUri,
        E::InvalidState => E::InvalidState,
        E::AuthorizationDenied { error } => E::AuthorizationDenied {
            error: error.clone(),
        },
        E::InvalidGrant => E::InvalidGrant,
        E::NotConnected => E::NotConnected,
        E::ReauthRequired => E::ReauthRequired,
        E::AccountInUse => E::AccountInUse,
        E::RateLimited { retry_after } => E::RateLimited {
            retry_after: *retry_after,
        },
        E::TikTokError(e) => E::TikTokError(cause(e)),
        E::TikTokUnavailable(e) => E::TikTokUnavailable(cause(e)),
        E::AccountBusy(e) => E::AccountBusy(cause(e)),
        E::DatabaseUnavailable(e) => E::DatabaseUnavailable(cause(e)),
        E::Internal(e) => E::Internal(cause(e)),
    }
}

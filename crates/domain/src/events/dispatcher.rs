use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use futures::FutureExt;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::{
    ClaimedDelivery, DeliveryOutcome, EventDelivery, EventOutbox, OutboxError, RetryPolicy,
};
use crate::ports::Clock;

/// How the dispatcher paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatchConfig {
    /// Most deliveries in flight at once on this replica.
    pub max_in_flight: u32,
    /// Most deliveries in flight at once to one endpoint, so that a slow receiver takes only its own
    /// share and the others keep flowing.
    pub per_endpoint: usize,
    /// How long a claim holds a delivery. MUST exceed the delivery adapter's timeout, or another replica
    /// could attempt a delivery still in flight here.
    pub lease: Duration,
    /// How long to wait before looking again when nothing was due.
    pub poll_interval: Duration,
    /// Backoff and retry window.
    pub retry: RetryPolicy,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        Self {
            max_in_flight: 64,
            per_endpoint: 8,
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
            retry: RetryPolicy::default(),
        }
    }
}

/// Delivers the outbox: claims due deliveries (one replica per delivery at a time), sends each on its own
/// tracked task, and records the outcome — delivered, retried with backoff and jitter, failed after the
/// retry window, or endpoint disabled on 410.
pub struct Dispatcher {
    shared: Arc<DispatcherState>,
    tasks: tokio::sync::Mutex<JoinSet<()>>,
}

struct DispatcherState {
    outbox: Arc<dyn EventOutbox>,
    delivery: Arc<dyn EventDelivery>,
    clock: Arc<dyn Clock>,
    replica: String,
    config: DispatchConfig,
    /// Deliveries in flight per endpoint id.
    in_flight: Mutex<HashMap<String, usize>>,
    /// Woken when a delivery finishes, so that the run loop claims again without waiting a full poll.
    finished: Notify,
}

impl Dispatcher {
    /// A dispatcher claiming as `replica` (unique per process: the lease owner).
    pub fn new(
        outbox: Arc<dyn EventOutbox>,
        delivery: Arc<dyn EventDelivery>,
        clock: Arc<dyn Clock>,
        replica: impl Into<String>,
        config: DispatchConfig,
    ) -> Self {
        Self {
            shared: Arc::new(DispatcherState {
                outbox,
                delivery,
                clock,
                replica: replica.into(),
                config,
                in_flight: Mutex::new(HashMap::new()),
                finished: Notify::new(),
            }),
            tasks: tokio::sync::Mutex::new(JoinSet::new()),
        }
    }

    /// Claims what is due and starts a task per delivery; does not wait for them. Returns how many
    /// deliveries were started.
    ///
    /// # Errors
    /// The outbox could not be read; nothing was started.
    pub async fn tick(&self) -> Result<usize, OutboxError> {
        let mut tasks = self.tasks.lock().await;
        while tasks.try_join_next().is_some() {}
        let (free, saturated) = self.shared.capacity();
        if free == 0 {
            return Ok(0);
        }
        let now = self.shared.clock.now();
        let lease_until =
            now + TimeDelta::from_std(self.shared.config.lease).unwrap_or(TimeDelta::MAX);
        let claimed = self
            .shared
            .outbox
            .claim_due(&self.shared.replica, now, lease_until, free, &saturated)
            .await?;
        let started = claimed.len();
        for delivery in claimed {
            let guard = InFlight::enter(&self.shared, &delivery.endpoint_id);
            let shared = Arc::clone(&self.shared);
            tasks.spawn(async move {
                shared.attempt(delivery).await;
                drop(guard);
            });
        }
        Ok(started)
    }

    /// Waits for every delivery in flight to finish (recorded or not).
    pub async fn drain(&self) {
        let mut tasks = self.tasks.lock().await;
        while tasks.join_next().await.is_some() {}
    }

    /// Ticks until `shutdown` completes, then waits for the deliveries in flight. A failing outbox is
    /// logged and retried on the next poll.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        let mut shutdown = pin!(shutdown);
        loop {
            let started = match self.tick().await {
                Ok(started) => started,
                Err(error) => {
                    tracing::warn!(error = %error, "event dispatcher could not claim deliveries");
                    0
                }
            };
            if started > 0 {
                // More may be due: look again at once, unless asked to stop.
                if shutdown.as_mut().now_or_never().is_some() {
                    break;
                }
                continue;
            }
            let wait = async {
                let finished = self.shared.finished.notified();
                let sleep = tokio::time::sleep(self.shared.config.poll_interval);
                futures::future::select(pin!(finished), pin!(sleep)).await;
            };
            if let futures::future::Either::Left(_) =
                futures::future::select(shutdown.as_mut(), pin!(wait)).await
            {
                break;
            }
        }
        self.drain().await;
    }
}

impl DispatcherState {
    /// How many more deliveries may start, and the endpoints already at their share.
    fn capacity(&self) -> (u32, Vec<String>) {
        let in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = in_flight.values().sum();
        let free = (self.config.max_in_flight as usize).saturating_sub(total);
        let mut saturated: Vec<String> = in_flight
            .iter()
            .filter(|(_, n)| **n >= self.config.per_endpoint)
            .map(|(endpoint, _)| endpoint.clone())
            .collect();
        saturated.sort();
        (u32::try_from(free).unwrap_or(u32::MAX), saturated)
    }

    /// Sends one delivery and records what came of it. Storage failures are logged: the lease then
    /// expires and the delivery is attempted again (at least once).
    async fn attempt(&self, delivery: ClaimedDelivery) {
        let outcome = self
            .delivery
            .send(&delivery.endpoint_id, &delivery.event_id, &delivery.body)
            .await;
        let now = self.clock.now();
        let id = delivery.delivery_id;
        let replica = self.replica.as_str();
        let (label, result) = match outcome {
            DeliveryOutcome::Delivered => (
                "delivered",
                self.outbox.mark_delivered(id, replica, now).await,
            ),
            DeliveryOutcome::Gone => {
                tracing::warn!(endpoint = %delivery.endpoint_id, "event receiver answered 410 Gone: endpoint disabled");
                let disabled = self
                    .outbox
                    .disable_endpoint(&delivery.endpoint_id, now)
                    .await;
                let failed = self.outbox.mark_failed(id, replica, now, "410 gone").await;
                ("gone", disabled.and(failed))
            }
            DeliveryOutcome::Retry(cause) => {
                let failed_attempts = delivery.attempts.saturating_add(1);
                let next = self.config.retry.next_attempt(
                    delivery.created_at,
                    now,
                    failed_attempts,
                    rand::random::<f64>(),
                );
                match next {
                    Some(at) => (
                        "retry",
                        self.outbox.schedule_retry(id, replica, at, &cause).await,
                    ),
                    None => {
                        tracing::warn!(endpoint = %delivery.endpoint_id, event = %delivery.event_id, cause = %cause, "event delivery failed for good: retry window over");
                        (
                            "failed",
                            self.outbox.mark_failed(id, replica, now, &cause).await,
                        )
                    }
                }
            }
        };
        metrics::counter!("events_delivery_attempts_total", "outcome" => label).increment(1);
        if let Err(error) = result {
            tracing::warn!(error = %error, delivery = id, "could not record an event delivery's outcome");
        }
    }
}

/// Counts a delivery in flight for its endpoint until dropped (also when the task panics).
struct InFlight {
    shared: Arc<DispatcherState>,
    endpoint: String,
}

impl InFlight {
    fn enter(shared: &Arc<DispatcherState>, endpoint: &str) -> Self {
        *shared
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(endpoint.to_owned())
            .or_default() += 1;
        Self {
            shared: Arc::clone(shared),
            endpoint: endpoint.to_owned(),
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut in_flight = self
            .shared
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = in_flight.get_mut(&self.endpoint) {
            *n -= 1;
            if *n == 0 {
                in_flight.remove(&self.endpoint);
            }
        }
        drop(in_flight);
        self.shared.finished.notify_one();
    }
}

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{EventId, EventType};
use crate::ports::BoxError;
use crate::values::UserId;

/// Why the outbox could not answer.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The store failed (connection lost, constraint, …): the caller retries on its next round.
    #[error("event store failed")]
    Storage(#[source] BoxError),
}

/// One delivery of one event to one endpoint, claimed by a replica until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery's row id.
    pub delivery_id: i64,
    /// The configured endpoint it goes to.
    pub endpoint_id: String,
    /// The event's id (`webhook-id`).
    pub event_id: EventId,
    /// The event's owner (deliveries of one user to one endpoint go in order).
    pub user_id: UserId,
    /// The envelope, byte for byte as stored.
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
    /// When the delivery was created (the retry window counts from here).
    pub created_at: DateTime<Utc>,
}

/// One event as the feed returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The outbox's sequence number: strictly increasing in commit order of appends, the feed's cursor.
    pub seq: i64,
    /// The event's id.
    pub id: EventId,
    /// The event's type.
    pub event_type: EventType,
    /// The envelope, byte for byte as delivered.
    pub body: String,
}

/// A page of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedPage {
    /// Oldest first.
    pub events: Vec<StoredEvent>,
    /// The `seq` to pass as `after` for the next page, `None` when this page was the last.
    pub next_after: Option<i64>,
}

/// The transactional outbox, as the dispatcher and the feed see it. Events are appended by the storage
/// adapter inside the transaction of the change they report (not through this port), so that both
/// commit together.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EventOutbox: Send + Sync {
    /// Claims for `replica`, until `lease_until`, up to `limit` deliveries that are due at `now`: pending,
    /// `next_attempt_at <= now`, not leased (or the lease expired), to an enabled endpoint not in
    /// `skip_endpoints`, and the oldest pending delivery of their (endpoint, user) — so a user's later event
    /// never overtakes an earlier one at the same endpoint.
    ///
    /// # Errors
    /// MUST be atomic across replicas: of concurrent claims, each delivery goes to one caller only.
    async fn claim_due(
        &self,
        replica: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
        skip_endpoints: &[String],
    ) -> Result<Vec<ClaimedDelivery>, OutboxError>;

    /// Records a 2xx answer. Changes nothing unless `replica` holds the delivery's lease.
    async fn mark_delivered(
        &self,
        delivery_id: i64,
        replica: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OutboxError>;

    /// Records a failed attempt and when to try again (frees the lease). Changes nothing unless `replica`
    /// holds the lease. `error` is a short cause for operators (a status code, `timeout`), never a body.
    async fn schedule_retry(
        &self,
        delivery_id: i64,
        replica: &str,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), OutboxError>;

    /// Gives up on a delivery (retry window over, or endpoint gone), so that the user's next events to this
    /// endpoint can go. Changes nothing unless `replica` holds the lease.
    async fn mark_failed(
        &self,
        delivery_id: i64,
        replica: &str,
        now: DateTime<Utc>,
        error: &str,
    ) -> Result<(), OutboxError>;

    /// Disables an endpoint that answered 410 Gone: nothing more is claimed or created for it.
    async fn disable_endpoint(
        &self,
        endpoint_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OutboxError>;

    /// Events after the sequence `after` (from the start when `None`), oldest first, at most `limit`,
    /// optionally of one type.
    async fn feed(
        &self,
        after: Option<i64>,
        limit: u32,
        event_type: Option<EventType>,
    ) -> Result<FeedPage, OutboxError>;

    /// Makes the event due again at `now` at every enabled endpoint subscribed to its type (a fresh
    /// delivery where the previous one ended). Returns `false` when no such event is kept.
    async fn redeliver(&self, event_id: &EventId, now: DateTime<Utc>) -> Result<bool, OutboxError>;

    /// Deletes events (and their deliveries) that occurred before `cutoff`. Returns how many events.
    async fn purge_before(&self, cutoff: DateTime<Utc>) -> Result<u64, OutboxError>;
}

/// What a receiver made of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// 2xx: done.
    Delivered,
    /// 410 Gone: the receiver asks never to be called again.
    Gone,
    /// Anything else (another status, a timeout, a refused connection): try again later. The cause is a
    /// short text for operators (`status 503`, `timeout`), never the response body.
    Retry(String),
}

/// Sends one signed delivery (Standard Webhooks) to a configured endpoint. Implementations bound the time
/// and the response size, follow no redirects, and never fail: every problem is an outcome.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EventDelivery: Send + Sync {
    /// Posts `body` to the endpoint with `webhook-id` = `event_id`, signed with the endpoint's secret(s).
    async fn send(&self, endpoint_id: &str, event_id: &EventId, body: &str) -> DeliveryOutcome;
}

//! The pull feed and replay for internal services (admin scope only): pages of the outbox oldest first
//! by its keyset cursor, and making one event due again at every receiver.

use std::sync::Arc;

use super::{EventId, EventOutbox, EventType, FeedPage, OutboxError};
use crate::ports::Clock;
use crate::usecases::{Caller, ServiceError};

/// The largest page the feed answers; a larger `limit` is cut to it.
pub const FEED_MAX_LIMIT: u32 = 1000;

/// The page size when the caller names none.
pub const FEED_DEFAULT_LIMIT: u32 = 100;

/// Reading and replaying the events outbox, for internal services only.
#[derive(Clone)]
pub struct EventFeed {
    outbox: Arc<dyn EventOutbox>,
    clock: Arc<dyn Clock>,
}

/// What became of a replay request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redelivery {
    /// The event is due again at every enabled receiver subscribed to its type.
    Scheduled,
    /// No such event is kept (never written, or purged by the retention).
    UnknownEvent,
}

impl EventFeed {
    /// The feed over `outbox`; `clock` dates replays.
    pub fn new(outbox: Arc<dyn EventOutbox>, clock: Arc<dyn Clock>) -> Self {
        Self { outbox, clock }
    }

    /// Events after the cursor `after` (the start when `None`), oldest first, at most `limit` (cut to
    /// [`FEED_MAX_LIMIT`]), optionally of one type.
    ///
    /// # Errors
    /// [`ServiceError::Forbidden`] unless the caller is an internal service (events concern every user);
    /// [`ServiceError::DatabaseUnavailable`] when the outbox cannot be read.
    pub async fn page(
        &self,
        caller: &Caller,
        after: Option<i64>,
        limit: u32,
        event_type: Option<EventType>,
    ) -> Result<FeedPage, ServiceError> {
        ensure_service(caller)?;
        let limit = limit.clamp(1, FEED_MAX_LIMIT);
        self.outbox
            .feed(after, limit, event_type)
            .await
            .map_err(unavailable)
    }

    /// Sends `event_id` again to every enabled receiver subscribed to its type, with the same
    /// `webhook-id`.
    ///
    /// # Errors
    /// As [`EventFeed::page`].
    pub async fn redeliver(
        &self,
        caller: &Caller,
        event_id: &EventId,
    ) -> Result<Redelivery, ServiceError> {
        ensure_service(caller)?;
        let found = self
            .outbox
            .redeliver(event_id, self.clock.now())
            .await
            .map_err(unavailable)?;
        if found {
            tracing::info!(event = %event_id, "event scheduled for redelivery");
            Ok(Redelivery::Scheduled)
        } else {
            Ok(Redelivery::UnknownEvent)
        }
    }
}

fn ensure_service(caller: &Caller) -> Result<(), ServiceError> {
    match caller {
        Caller::Service { .. } => Ok(()),
        Caller::User(_) => {
            tracing::warn!("a creator's token asked for the events feed");
            Err(ServiceError::Forbidden)
        }
    }
}

fn unavailable(error: OutboxError) -> ServiceError {
    ServiceError::DatabaseUnavailable(Box::new(error))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::events::MockEventOutbox;
    use crate::ports::MockClock;
    use crate::values::UserId;

    fn feed(outbox: MockEventOutbox) -> EventFeed {
        let mut clock = MockClock::new();
        clock
            .expect_now()
            .return_const(Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap());
        EventFeed::new(Arc::new(outbox), Arc::new(clock))
    }

    fn service() -> Caller {
        Caller::Service {
            name: "billing".into(),
        }
    }

    #[tokio::test]
    async fn only_internal_services_read_or_replay_the_feed() {
        let mut outbox = MockEventOutbox::new();
        outbox.expect_feed().never();
        outbox.expect_redeliver().never();
        let feed = feed(outbox);
        let creator = Caller::User(UserId::parse("42").unwrap());
        assert!(matches!(
            feed.page(&creator, None, 10, None).await,
            Err(ServiceError::Forbidden)
        ));
        let id = EventId::generate(Utc::now());
        assert!(matches!(
            feed.redeliver(&creator, &id).await,
            Err(ServiceError::Forbidden)
        ));
    }

    #[tokio::test]
    async fn a_page_is_cut_to_the_largest_limit_and_an_unknown_replay_says_so() {
        let mut outbox = MockEventOutbox::new();
        outbox
            .expect_feed()
            .withf(|after, limit, t| {
                *after == Some(7) && *limit == FEED_MAX_LIMIT && *t == Some(EventType::Synced)
            })
            .times(1)
            .returning(|_, _, _| Ok(FeedPage::default()));
        outbox
            .expect_redeliver()
            .times(1)
            .returning(|_, _| Ok(false));
        let feed = feed(outbox);
        feed.page(&service(), Some(7), u32::MAX, Some(EventType::Synced))
            .await
            .unwrap();
        let id = EventId::generate(Utc::now());
        assert_eq!(
            feed.redeliver(&service(), &id).await.unwrap(),
            Redelivery::UnknownEvent
        );
    }
}

//! The outbox as the dispatcher and the feed see it ([`EventOutbox`]): claims by conditional `UPDATE`
//! (free or expired lease), so that of concurrent claimants each delivery goes to one, on SQLite and
//! PostgreSQL alike; only the oldest pending delivery of each (endpoint, user) is claimable, which keeps a
//! user's events in order at each endpoint.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use tiktok_domain::events::{
    ClaimedDelivery, Event, EventId, EventOutbox, EventType, FeedPage, OutboxError, StoredEvent,
};
use tiktok_domain::UserId;

use crate::errors::{CorruptRow, QueryFailure};
use crate::event_append::create_deliveries;
use crate::models::naive;
use crate::schema::event_deliveries::{self as d, table as deliveries};
use crate::schema::event_endpoints::{self as ep, table as endpoints};
use crate::schema::events::{self as e, table as events};
use crate::Database;

const PENDING: &str = "pending";

/// One configured receiver, as the outbox knows it: an id and the types it wants (`None`: all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSubscription {
    /// Stable id derived from the configuration (URL and secret stay in the configuration).
    pub id: String,
    /// The types it is sent; `None` for every type.
    pub types: Option<Vec<EventType>>,
}

/// [`EventOutbox`] on the service's database.
#[derive(Clone)]
pub struct DieselEventOutbox {
    db: Database,
}

impl DieselEventOutbox {
    /// The outbox on `db` (migrated).
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Makes the stored endpoints match the configuration at start-up: each configured endpoint exists with
    /// its types (an endpoint disabled by a 410 stays disabled: give it a new id to enable it again); an
    /// endpoint no longer configured is disabled, so no more deliveries are created for it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn configure_endpoints(
        &self,
        configured: Vec<EndpointSubscription>,
        now: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        let now = naive(now);
        self.db
            .run(move |conn| {
                conn.transaction(|conn| {
                    let ids: Vec<String> = configured.iter().map(|c| c.id.clone()).collect();
                    for endpoint in &configured {
                        let types = match &endpoint.types {
                            None => "*".to_owned(),
                            Some(types) => {
                                let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
                                format!(" {} ", names.join(" "))
                            }
                        };
                        let updated = diesel::update(endpoints.find(&endpoint.id))
                            .set(ep::event_types.eq(&types))
                            .execute(conn)?;
                        if updated == 0 {
                            diesel::insert_into(endpoints)
                                .values((ep::id.eq(&endpoint.id), ep::event_types.eq(&types)))
                                .execute(conn)?;
                        }
                    }
                    diesel::update(endpoints.filter(ep::id.ne_all(ids)))
                        .filter(ep::disabled_at.is_null())
                        .set(ep::disabled_at.eq(Some(now)))
                        .execute(conn)?;
                    Ok::<_, QueryFailure>(())
                })
            })
            .await
            .map_err(storage)
    }

    /// Appends `event` in a transaction of its own. The account repository calls
    /// [`append_event`](crate::append_event) inside its own transactions instead; this is for events that
    /// report no stored change, and for tests.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn append(&self, event: &Event) -> Result<i64, OutboxError> {
        let event = event.clone();
        self.db
            .run(move |conn| Ok(conn.transaction(|conn| crate::append_event(conn, &event))?))
            .await
            .map_err(storage)
    }

    /// Whether an endpoint is disabled (for tests and operators).
    ///
    /// # Errors
    /// The database failed.
    pub async fn endpoint_disabled(&self, endpoint_id: &str) -> Result<bool, OutboxError> {
        let id = endpoint_id.to_owned();
        self.db
            .run(move |conn| {
                let disabled: Option<NaiveDateTime> = endpoints
                    .find(id)
                    .select(ep::disabled_at)
                    .first::<Option<NaiveDateTime>>(conn)
                    .optional()?
                    .flatten();
                Ok(disabled.is_some())
            })
            .await
            .map_err(storage)
    }

    /// Counts of deliveries by state for one event (`pending`, `delivered`, `failed`), for tests and
    /// operators.
    ///
    /// # Errors
    /// The database failed.
    pub async fn delivery_states(
        &self,
        event_id: &EventId,
    ) -> Result<Vec<(String, String)>, OutboxError> {
        let id = event_id.as_str().to_owned();
        self.db
            .run(move |conn| {
                Ok(deliveries
                    .inner_join(events)
                    .filter(e::id.eq(id))
                    .order(d::endpoint_id.asc())
                    .select((d::endpoint_id, d::state))
                    .load::<(String, String)>(conn)?)
            })
            .await
            .map_err(storage)
    }
}

fn storage(failure: QueryFailure) -> OutboxError {
    OutboxError::Storage(Box::new(failure))
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

type ClaimRow = (i64, String, String, String, String, i32, NaiveDateTime);

#[async_trait]
impl EventOutbox for DieselEventOutbox {
    async fn claim_due(
        &self,
        replica: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
        skip_endpoints: &[String],
    ) -> Result<Vec<ClaimedDelivery>, OutboxError> {
        let (replica, now, until) = (replica.to_owned(), naive(now), naive(lease_until));
        let skip = skip_endpoints.to_vec();
        let limit = i64::from(limit);
        self.db
            .run(move |conn| {
                let earlier = diesel::alias!(crate::schema::event_deliveries as earlier);
                let blocked = earlier
                    .filter(earlier.field(d::endpoint_id).eq(d::endpoint_id))
                    .filter(earlier.field(d::user_id).eq(d::user_id))
                    .filter(earlier.field(d::state).eq(PENDING))
                    .filter(earlier.field(d::event_seq).lt(d::event_seq));
                let candidates: Vec<ClaimRow> = deliveries
                    .inner_join(events)
                    .inner_join(endpoints)
                    .filter(d::state.eq(PENDING))
                    .filter(d::next_attempt_at.le(now))
                    .filter(d::lease_until.is_null().or(d::lease_until.le(now)))
                    .filter(ep::disabled_at.is_null())
                    .filter(d::endpoint_id.ne_all(skip))
                    .filter(not(exists(blocked)))
                    .order(d::event_seq.asc())
                    .limit(limit)
                    .select((
                        d::id,
                        d::endpoint_id,
                        e::id,
                        e::user_id,
                        e::body,
                        d::attempts,
                        d::created_at,
                    ))
                    .load(conn)?;
                let mut claimed = Vec::with_capacity(candidates.len());
                for (id, endpoint_id, event_id, user_id, body, attempts, created_at) in candidates {
                    let taken = diesel::update(deliveries.find(id))
                        .filter(d::state.eq(PENDING))
                        .filter(d::lease_until.is_null().or(d::lease_until.le(now)))
                        .set((d::lease_owner.eq(&replica), d::lease_until.eq(until)))
                        .execute(conn)?;
                    if taken != 1 {
                        continue;
                    }
                    claimed.push(ClaimedDelivery {
                        delivery_id: id,
                        endpoint_id,
                        event_id: EventId::parse(&event_id).map_err(|e| CorruptRow {
                            column: "events.id",
                            reason: e.reason.to_owned(),
                        })?,
                        user_id: UserId::parse(&user_id).map_err(|e| CorruptRow {
                            column: "events.user_id",
                            reason: e.reason.to_owned(),
                        })?,
                        body,
                        attempts: u32::try_from(attempts).unwrap_or(0),
                        created_at: utc(created_at),
                    });
                }
                Ok(claimed)
            })
            .await
            .map_err(storage)
    }

    async fn mark_delivered(
        &self,
        delivery_id: i64,
        replica: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        let (replica, now) = (replica.to_owned(), naive(now));
        self.db
            .run(move |conn| {
                diesel::update(deliveries.find(delivery_id))
                    .filter(d::state.eq(PENDING))
                    .filter(d::lease_owner.eq(replica))
                    .set((
                        d::state.eq("delivered"),
                        d::attempts.eq(d::attempts + 1),
                        d::finished_at.eq(Some(now)),
                        d::last_error.eq(None::<String>),
                        d::lease_owner.eq(None::<String>),
                        d::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(storage)
    }

    async fn schedule_retry(
        &self,
        delivery_id: i64,
        replica: &str,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), OutboxError> {
        let (replica, next, error) = (replica.to_owned(), naive(next_attempt_at), error.to_owned());
        self.db
            .run(move |conn| {
                diesel::update(deliveries.find(delivery_id))
                    .filter(d::state.eq(PENDING))
                    .filter(d::lease_owner.eq(replica))
                    .set((
                        d::attempts.eq(d::attempts + 1),
                        d::next_attempt_at.eq(next),
                        d::last_error.eq(Some(error)),
                        d::lease_owner.eq(None::<String>),
                        d::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(storage)
    }

    async fn mark_failed(
        &self,
        delivery_id: i64,
        replica: &str,
        now: DateTime<Utc>,
        error: &str,
    ) -> Result<(), OutboxError> {
        let (replica, now, error) = (replica.to_owned(), naive(now), error.to_owned());
        self.db
            .run(move |conn| {
                diesel::update(deliveries.find(delivery_id))
                    .filter(d::state.eq(PENDING))
                    .filter(d::lease_owner.eq(replica))
                    .set((
                        d::state.eq("failed"),
                        d::attempts.eq(d::attempts + 1),
                        d::finished_at.eq(Some(now)),
                        d::last_error.eq(Some(error)),
                        d::lease_owner.eq(None::<String>),
                        d::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(storage)
    }

    async fn disable_endpoint(
        &self,
        endpoint_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        let (id, now) = (endpoint_id.to_owned(), naive(now));
        self.db
            .run(move |conn| {
                diesel::update(endpoints.find(id))
                    .filter(ep::disabled_at.is_null())
                    .set(ep::disabled_at.eq(Some(now)))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(storage)
    }

    async fn feed(
        &self,
        after: Option<i64>,
        limit: u32,
        event_type: Option<EventType>,
    ) -> Result<FeedPage, OutboxError> {
        let after = after.unwrap_or(0);
        let take = i64::from(limit) + 1;
        self.db
            .run(move |conn| {
                let mut query = events
                    .filter(e::seq.gt(after))
                    .order(e::seq.asc())
                    .limit(take)
                    .select((e::seq, e::id, e::event_type, e::body))
                    .into_boxed();
                if let Some(t) = event_type {
                    query = query.filter(e::event_type.eq(t.as_str()));
                }
                let rows: Vec<(i64, String, String, String)> = query.load(conn)?;
                let more = rows.len() > limit as usize;
                let mut page = Vec::with_capacity(rows.len().min(limit as usize));
                for (seq, id, kind, body) in rows.into_iter().take(limit as usize) {
                    page.push(StoredEvent {
                        seq,
                        id: EventId::parse(&id).map_err(|e| CorruptRow {
                            column: "events.id",
                            reason: e.reason.to_owned(),
                        })?,
                        event_type: EventType::parse(&kind).ok_or_else(|| CorruptRow {
                            column: "events.event_type",
                            reason: "unknown type".to_owned(),
                        })?,
                        body,
                    });
                }
                let next_after = if more {
                    page.last().map(|e| e.seq)
                } else {
                    None
                };
                Ok(FeedPage {
                    events: page,
                    next_after,
                })
            })
            .await
            .map_err(storage)
    }

    async fn redeliver(&self, event_id: &EventId, now: DateTime<Utc>) -> Result<bool, OutboxError> {
        let (id, now) = (event_id.as_str().to_owned(), naive(now));
        self.db
            .run(move |conn| {
                conn.transaction(|conn| {
                    let found: Option<(i64, String, String)> = events
                        .filter(e::id.eq(id))
                        .select((e::seq, e::user_id, e::event_type))
                        .first(conn)
                        .optional()?;
                    let Some((seq, user_id, event_type)) = found else {
                        return Ok(false);
                    };
                    let enabled = endpoints.filter(ep::disabled_at.is_null()).select(ep::id);
                    diesel::update(deliveries.filter(d::event_seq.eq(seq)))
                        .filter(d::state.ne(PENDING))
                        .filter(d::endpoint_id.eq_any(enabled))
                        .set((
                            d::state.eq(PENDING),
                            d::attempts.eq(0),
                            d::next_attempt_at.eq(now),
                            d::created_at.eq(now),
                            d::finished_at.eq(None::<NaiveDateTime>),
                            d::last_error.eq(None::<String>),
                        ))
                        .execute(conn)?;
                    create_deliveries(conn, seq, &user_id, &event_type, now)?;
                    Ok::<_, QueryFailure>(true)
                })
            })
            .await
            .map_err(storage)
    }

    async fn purge_before(&self, cutoff: DateTime<Utc>) -> Result<u64, OutboxError> {
        let cutoff = naive(cutoff);
        self.db
            .run(move |conn| {
                conn.transaction(|conn| {
                    let old = events.filter(e::occurred_at.lt(cutoff)).select(e::seq);
                    diesel::delete(deliveries.filter(d::event_seq.eq_any(old))).execute(conn)?;
                    let purged =
                        diesel::delete(events.filter(e::occurred_at.lt(cutoff))).execute(conn)?;
                    Ok::<_, QueryFailure>(purged as u64)
                })
            })
            .await
            .map_err(storage)
    }
}

//! Appending an event to the outbox inside the caller's transaction: the event row, and one pending
//! delivery per enabled endpoint subscribed to its type. The account repository calls
//! [`append_event`] from the same `conn.transaction(…)` as the change the event reports, so that both
//! commit or roll back together.

use diesel::dsl::{not, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use tiktok_domain::events::Event;

use crate::connection::AnyConnection;
use crate::models::naive;
use crate::schema::event_deliveries::{self as d, table as deliveries};
use crate::schema::event_endpoints::{self as ep, table as endpoints};
use crate::schema::events::{self as e, table as events};

/// Writes `event` and its deliveries on `conn`. Call it inside the transaction of the change it reports;
/// it opens none itself. Returns the event's sequence number (the feed's order).
///
/// # Errors
/// Any database error; the caller's transaction then rolls back, change and event alike.
pub fn append_event(conn: &mut AnyConnection, event: &Event) -> Result<i64, diesel::result::Error> {
    let event_type = event.event_type().as_str();
    let occurred_at = naive(event.occurred_at);
    let seq: i64 = diesel::insert_into(events)
        .values((
            e::id.eq(event.id.as_str()),
            e::event_type.eq(event_type),
            e::user_id.eq(event.user_id.as_str()),
            e::occurred_at.eq(occurred_at),
            e::body.eq(event.envelope_json()),
        ))
        .returning(e::seq)
        .get_result(conn)?;
    create_deliveries(conn, seq, event.user_id.as_str(), event_type, occurred_at)?;
    Ok(seq)
}

/// One pending delivery of event `seq` per enabled endpoint subscribed to `event_type` that has none yet,
/// due at once. One `INSERT … SELECT`.
pub(crate) fn create_deliveries(
    conn: &mut AnyConnection,
    seq: i64,
    user_id: &str,
    event_type: &str,
    now: chrono::NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    let pattern = format!("% {event_type} %");
    let has_one = deliveries
        .filter(d::event_seq.eq(seq))
        .filter(d::endpoint_id.eq(ep::id));
    let rows = endpoints
        .filter(ep::disabled_at.is_null())
        .filter(ep::event_types.eq("*").or(ep::event_types.like(pattern)))
        .filter(not(diesel::dsl::exists(has_one)))
        .select((
            seq.into_sql::<BigInt>(),
            ep::id,
            user_id.to_owned().into_sql::<Text>(),
            "pending".into_sql::<Text>(),
            0i32.into_sql::<Integer>(),
            now.into_sql::<Timestamp>(),
            now.into_sql::<Timestamp>(),
            sql::<Nullable<Text>>("NULL"),
        ));
    diesel::insert_into(deliveries)
        .values(rows)
        .into_columns((
            d::event_seq,
            d::endpoint_id,
            d::user_id,
            d::state,
            d::attempts,
            d::next_attempt_at,
            d::created_at,
            d::last_error,
        ))
        .execute(conn)
}

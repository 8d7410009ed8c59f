//! `tiktok.account.reauth_due` once per grant: connections whose refresh token expires within the warning
//! window and whose current connection has no such event yet (the outbox itself is the record: an event
//! of this type for the user at or after the connection's `connected_at`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{not, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use tiktok_domain::events::{Event, EventType};
use tiktok_domain::ports::ReauthWarning;
use tiktok_domain::{ConnectionGeneration, ConnectionState, UserId};

use crate::connection::{write_transaction, AnyConnection};
use crate::connection_fence::hold_connection;
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::events::{self as e, table as events};
use crate::schema::tiktok_accounts::{self as t, table as accounts};

/// Connected accounts whose refresh token expires in `(now, until]` and whose connection was not reported.
pub(crate) fn due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<ReauthWarning>, QueryFailure> {
    // Constant SQL (no input in it): whether the current connection was reported already.
    let reported = sql::<Bool>(
        "EXISTS (SELECT 1 FROM events WHERE events.user_id = tiktok_accounts.user_id \
         AND events.event_type = 'tiktok.account.reauth_due' \
         AND events.occurred_at >= tiktok_accounts.connected_at)",
    );
    let rows: Vec<(String, Option<String>, Option<NaiveDateTime>)> = accounts
        .filter(t::is_active.eq(true))
        .filter(t::status.eq(ConnectionState::Connected.as_str()))
        .filter(t::refresh_token_expires_at.gt(naive(now)))
        .filter(t::refresh_token_expires_at.le(naive(until)))
        .filter(not(reported))
        .order(t::refresh_token_expires_at.asc())
        .limit(i64::from(limit))
        .select((
            t::user_id,
            t::connection_generation,
            t::refresh_token_expires_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, generation, expires)| {
            Some(ReauthWarning {
                user_id: UserId::parse(&user).ok()?,
                generation: ConnectionGeneration::new(generation?),
                refresh_token_expires_at: expires?.and_utc(),
            })
        })
        .collect())
}

/// Writes `event` if the connection is still `warning.generation` (its row held until commit) and has not
/// been reported meanwhile. Returns whether it was written.
pub(crate) fn record(
    conn: &mut AnyConnection,
    warning: &ReauthWarning,
    event: &Event,
) -> Result<bool, QueryFailure> {
    let user = warning.user_id.as_str();
    write_transaction(conn, |tx| {
        match hold_connection(tx, user, warning.generation.as_str()) {
            Ok(()) => {}
            Err(QueryFailure::NotFound) => return Ok(false),
            Err(other) => return Err(other),
        }
        let connected_at: NaiveDateTime = accounts
            .filter(t::user_id.eq(user))
            .select(t::connected_at)
            .first(tx)?;
        let reported: i64 = events
            .filter(e::user_id.eq(user))
            .filter(e::event_type.eq(EventType::ReauthDue.as_str()))
            .filter(e::occurred_at.ge(connected_at))
            .count()
            .get_result(tx)?;
        if reported > 0 {
            return Ok(false);
        }
        crate::append_event(tx, event)?;
        Ok(true)
    })
}

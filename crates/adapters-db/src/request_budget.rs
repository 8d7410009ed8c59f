//! [`DieselRequestBudget`]: the TikTok request budget shared by every replica through the database.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use tiktok_domain::pacing::Pacing;
use tiktok_domain::ports::{Admission, ApiEndpoint, BudgetError, Clock, RequestBudget};

use crate::connection::{write_transaction, AnyConnection};
use crate::errors::QueryFailure;
use crate::schema::tiktok_request_log::{self as r, table as request_log};
use crate::Database;

/// Base of the PostgreSQL advisory locks that serialize admissions, one per endpoint.
const BUDGET_LOCK_BASE: i64 = 0x7469_6b74_6f6b_5200; // "tiktokR\0"

/// A request budget kept in the `tiktok_request_log` table: one row per request let through. Each
/// admission reads the endpoint's rows of the last window and, if [`Pacing`] allows, inserts one, inside a
/// transaction that holds the endpoint's lock (an advisory lock on PostgreSQL, `BEGIN IMMEDIATE` on
/// SQLite), so that replicas together never exceed the limit. Rows older than two windows are purged as
/// it goes. The clock is injected, so that tests can move time without sleeping.
#[derive(Clone)]
pub struct DieselRequestBudget {
    db: Database,
    pacing: Pacing,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for DieselRequestBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DieselRequestBudget")
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl DieselRequestBudget {
    /// A budget on this database (migrations must have run), paced by `pacing`, timed by `clock`.
    pub fn new(db: Database, pacing: Pacing, clock: Arc<dyn Clock>) -> Self {
        Self { db, pacing, clock }
    }
}

fn since_epoch(at: DateTime<Utc>) -> Duration {
    (at - DateTime::UNIX_EPOCH).to_std().unwrap_or_default()
}

fn naive_of(at: Duration) -> NaiveDateTime {
    let at = DateTime::UNIX_EPOCH + chrono::Duration::from_std(at).unwrap_or_default();
    at.naive_utc()
}

fn lock_key(endpoint: ApiEndpoint) -> i64 {
    let index = ApiEndpoint::ALL
        .iter()
        .position(|e| *e == endpoint)
        .unwrap_or_default();
    BUDGET_LOCK_BASE + i64::try_from(index).unwrap_or_default()
}

fn admit(
    conn: &mut AnyConnection,
    pacing: Pacing,
    endpoint: ApiEndpoint,
    now: Duration,
) -> Result<Admission, QueryFailure> {
    if let AnyConnection::Postgres(pg) = conn {
        pg.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({})",
            lock_key(endpoint)
        ))?;
    }
    let name = endpoint.as_str();
    let window_start = naive_of(now.saturating_sub(pacing.window()));
    let taken: Vec<NaiveDateTime> = request_log
        .select(r::at)
        .filter(r::endpoint.eq(name))
        .filter(r::at.gt(window_start))
        .order(r::at.asc())
        .load(conn)?;
    let taken: Vec<Duration> = taken
        .into_iter()
        .map(|at| since_epoch(at.and_utc()))
        .collect();
    if let Some(wait) = pacing.wait(&taken, now) {
        return Ok(Admission::WaitFor(wait));
    }
    diesel::insert_into(request_log)
        .values((r::endpoint.eq(name), r::at.eq(naive_of(now))))
        .execute(conn)?;
    let purge_before = naive_of(now.saturating_sub(pacing.window() * 2));
    diesel::delete(
        request_log
            .filter(r::endpoint.eq(name))
            .filter(r::at.lt(purge_before)),
    )
    .execute(conn)?;
    Ok(Admission::Granted)
}

#[async_trait]
impl RequestBudget for DieselRequestBudget {
    async fn try_acquire(&self, endpoint: ApiEndpoint) -> Result<Admission, BudgetError> {
        if self.pacing.limit() == 0 {
            return Ok(Admission::Granted);
        }
        let now = since_epoch(self.clock.now());
        let pacing = self.pacing;
        self.db
            .run(move |conn| write_transaction(conn, |tx| admit(tx, pacing, endpoint, now)))
            .await
            .map_err(|e| BudgetError::Unavailable(Box::new(e)))
    }
}

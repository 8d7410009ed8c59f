//! Test harness: a fresh SQLite file or a fresh PostgreSQL database per test, and domain fixtures.
#![allow(dead_code)]

use std::future::Future;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tiktok_adapters_db::{Database, PoolOptions};
use tiktok_domain::{
    ConnectionGeneration, NewConnection, OpenId, Scopes, SealedToken, StoredGrant, UserId,
};

/// The databases come from the workspace's one test-database crate (`crates/test-db`).
pub use tiktok_test_db::{PgDatabase as PgTestDb, TestDatabase};

/// Runs `test` once on SQLite and once on PostgreSQL, as `<name>::on_sqlite` and `<name>::on_postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                $crate::common::on_sqlite(super::$name).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                $crate::common::on_postgres(super::$name).await
            }
        }
    )*};
}

/// A fresh, migrated SQLite file in a temporary directory (in a `data/` folder that does not exist yet).
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Database) -> Fut,
    Fut: Future<Output = ()>,
{
    let file = TestDatabase::sqlite_at("data/test.db");
    let db = Database::connect(file.url(), contract_pool()).expect("pool");
    db.run_migrations().await.expect("migrations");
    test(db).await;
}

/// A fresh, migrated PostgreSQL database, dropped afterwards. When no server is reachable: a failure under
/// `REQUIRE_POSTGRES=1`, else a skip that the run's output shows (see `tiktok-test-db`).
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Database) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(pg) = PgTestDb::create() else {
        return;
    };
    let db = Database::connect(&pg.url, contract_pool()).expect("pool");
    db.run_migrations().await.expect("migrations");
    test(db).await;
}

pub fn user(id: &str) -> UserId {
    UserId::parse(id).expect("user id")
}

pub fn open_id(id: &str) -> OpenId {
    OpenId::parse(id).expect("open id")
}

/// 2026-11-25 12:00:00 UTC plus `seconds` and `micros` (PostgreSQL keeps microseconds).
pub fn at(seconds: i64, micros: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
        .single()
        .expect("valid instant")
        + Duration::seconds(seconds)
        + Duration::microseconds(i64::from(micros))
}

pub fn scopes(raw: &str) -> Scopes {
    Scopes::parse_comma_separated(raw).expect("scopes")
}

/// A grant whose sealed tokens are tagged, received at `received`.
pub fn grant(tag: &str, received: DateTime<Utc>) -> StoredGrant {
    StoredGrant {
        access_token: SealedToken::new(format!("v1.kid.sealed-access-{tag}")),
        refresh_token: SealedToken::new(format!("v1.kid.sealed-refresh-{tag}")),
        access_token_expires_at: received + Duration::seconds(86_400),
        refresh_token_expires_at: received + Duration::seconds(31_536_000),
        scopes: scopes("user.info.basic,user.info.profile,user.info.stats"),
    }
}

/// The sealed refresh token of [`grant`]`(tag, …)`.
pub fn refresh_of(tag: &str) -> SealedToken {
    grant(tag, DateTime::UNIX_EPOCH).refresh_token
}

/// The connection generation of [`connection`]`(…, tag, …)`.
pub fn generation(tag: &str) -> ConnectionGeneration {
    ConnectionGeneration::new(format!("generation-{tag}"))
}

/// A connection whose grant and generation are tagged `tag`.
pub fn connection(user_id: &str, open: &str, tag: &str, when: DateTime<Utc>) -> NewConnection {
    NewConnection {
        user_id: user(user_id),
        tiktok_user_id: open_id(open),
        grant: grant(tag, when),
        connected_at: when,
        generation: generation(tag),
    }
}

/// Pool settings for contract tests: a generous wait for a connection, so that a loaded machine does not
/// turn into a false `Unavailable` (failing fast when the database is down is tested in availability.rs).
pub fn contract_pool() -> PoolOptions {
    PoolOptions {
        connection_timeout: std::time::Duration::from_secs(10),
        ..PoolOptions::default()
    }
}

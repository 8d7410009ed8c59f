//! Test harness: a fresh SQLite file or a fresh PostgreSQL database per test, and domain fixtures.
#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use tiktok_adapters_db::{Database, PoolOptions};
use tiktok_domain::{
    ConnectionGeneration, NewConnection, OpenId, Scopes, SealedToken, StoredGrant, UserId,
};

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
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}/data/test.db", dir.path().display());
    let db = Database::connect(&url, contract_pool()).expect("pool");
    db.run_migrations().await.expect("migrations");
    test(db).await;
}

/// A fresh, migrated PostgreSQL database, dropped afterwards; skipped when no server is reachable.
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

/// The server's URL: `TEST_DATABASE_URL`, or the local default.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A uniquely named PostgreSQL database, dropped (with its connections) when this is dropped.
pub struct PgTestDb {
    pub url: String,
    pub name: String,
    admin_url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl PgTestDb {
    /// A unique name and its URL, without creating the database.
    pub fn reserve() -> Option<Self> {
        let admin_url = admin_url();
        if let Err(e) = PgConnection::establish(&admin_url) {
            println!("SKIPPED: PostgreSQL not reachable at {admin_url}: {e}");
            return None;
        }
        let name = format!(
            "tiktok_db_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_subsec_micros()
        );
        let url = database_url(&admin_url, &name);
        Some(Self {
            url,
            name,
            admin_url,
        })
    }

    /// A new empty database.
    pub fn create() -> Option<Self> {
        let db = Self::reserve()?;
        db.create_now();
        Some(db)
    }

    /// Creates the reserved database.
    pub fn create_now(&self) {
        let mut admin = PgConnection::establish(&self.admin_url).expect("admin connection");
        admin
            .batch_execute(&format!("CREATE DATABASE {}", self.name))
            .expect("CREATE DATABASE");
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let dropped = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            if let Err(e) = dropped {
                eprintln!("could not drop test database {}: {e}", self.name);
            }
        }
    }
}

/// The server URL with its database name replaced.
fn database_url(admin_url: &str, name: &str) -> String {
    let (without_query, query) = match admin_url.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (admin_url, None),
    };
    let authority_start = without_query.find("://").map_or(0, |i| i + 3);
    let base = match without_query[authority_start..].find('/') {
        Some(slash) => &without_query[..authority_start + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
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

#[test]
fn the_test_database_url_keeps_the_server_and_the_query() {
    assert_eq!(
        database_url("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        database_url("postgres://u:p@h/db?sslmode=disable", "t1"),
        "postgres://u:p@h/t1?sslmode=disable"
    );
    assert_eq!(
        database_url("postgres://h:5432", "t1"),
        "postgres://h:5432/t1"
    );
}

/// Pool settings for contract tests: a generous wait for a connection, so that a loaded machine does not
/// turn into a false `Unavailable` (failing fast when the database is down is tested in availability.rs).
pub fn contract_pool() -> PoolOptions {
    PoolOptions {
        connection_timeout: std::time::Duration::from_secs(10),
        ..PoolOptions::default()
    }
}

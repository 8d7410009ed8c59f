//! Starting, failing fast and recovering: what the service needs when the database is down or odd.
#![cfg(test)]

mod common;

use std::error::Error as _;
use std::time::{Duration, Instant};

use common::{at, connection, user, PgTestDb};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use tiktok_adapters_db::{
    Backend, Database, DbError, DieselAccountRepository, DieselOAuthStateStore, PoolOptions,
};
use tiktok_domain::ports::{AccountRepository, OAuthStateStore, RepositoryError, StateStoreError};

const DOWN_URL: &str = "postgres://postgres@127.0.0.1:1/x";

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_for_a_postgres_server_that_is_down_is_created_and_fails_fast_with_unavailable() {
    let db = Database::connect(DOWN_URL, PoolOptions::default()).expect("the service starts");
    assert_eq!(db.backend(), Backend::Postgres);

    let started = Instant::now();
    let pinged = db.ping().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let Err(RepositoryError::Unavailable(cause)) = &pinged else {
        panic!("expected Unavailable, got {pinged:?}");
    };
    assert!(
        chain(cause.as_ref()).contains("port 1"),
        "the real error is kept: {cause}"
    );

    let started = Instant::now();
    let found = DieselAccountRepository::new(db.clone())
        .find_by_user(&user("user-1"))
        .await;
    assert!(
        matches!(found, Err(RepositoryError::Unavailable(_))),
        "{found:?}"
    );
    let taken = DieselOAuthStateStore::new(db.clone())
        .take("f", &user("user-1"))
        .await;
    assert!(
        matches!(taken, Err(StateStoreError::Unavailable(_))),
        "{taken:?}"
    );
    let migrated = db.run_migrations().await;
    assert!(
        matches!(migrated, Err(DbError::Unavailable(_))),
        "{migrated:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_appears_later_is_used_without_a_restart() {
    let Some(pg) = PgTestDb::reserve() else {
        return;
    };
    let db = Database::connect(&pg.url, PoolOptions::default()).expect("the service starts");
    let missing = db.ping().await;
    assert!(
        matches!(missing, Err(RepositoryError::Unavailable(_))),
        "{missing:?}"
    );

    pg.create_now();
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Err(e) = db.ping().await {
        assert!(Instant::now() < deadline, "the pool never recovered: {e}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    db.run_migrations()
        .await
        .expect("migrations once the database is there");
    let repo = DieselAccountRepository::new(db);
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("saved");
}

#[test]
fn an_unsupported_url_is_refused_without_echoing_its_credentials() {
    let refused = Database::connect("mysql://root:hunter2@db/app", PoolOptions::default());
    let Err(error @ DbError::UnsupportedUrl { .. }) = refused else {
        panic!("expected UnsupportedUrl, got {refused:?}");
    };
    assert!(!error.to_string().contains("hunter2"), "{error}");
    assert!(matches!(
        Database::connect("data/app.db", PoolOptions::default()),
        Err(DbError::UnsupportedUrl { .. })
    ));
}

#[test]
fn pool_options_that_cannot_work_are_refused() {
    let zero_size = PoolOptions {
        max_size: 0,
        ..PoolOptions::default()
    };
    let refused = Database::connect("sqlite::memory:", zero_size);
    assert!(
        matches!(refused, Err(DbError::InvalidOptions(_))),
        "{refused:?}"
    );
    let zero_timeout = PoolOptions {
        connection_timeout: Duration::ZERO,
        ..PoolOptions::default()
    };
    let refused = Database::connect("sqlite::memory:", zero_timeout);
    assert!(
        matches!(refused, Err(DbError::InvalidOptions(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_sqlite_file_in_a_missing_directory_is_created_and_runs_in_wal_mode() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("deep/data/app.db");
    let db = Database::connect(
        &format!("sqlite://{}", path.display()),
        PoolOptions::default(),
    )
    .expect("pool");
    assert_eq!(db.backend(), Backend::Sqlite);
    db.run_migrations().await.expect("migrations");
    db.ping().await.expect("ready");
    DieselAccountRepository::new(db.clone())
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("saved");
    assert!(path.exists());
    assert!(
        dir.path().join("deep/data/app.db-wal").exists(),
        "WAL journal in use"
    );
}

#[tokio::test]
async fn an_unreadable_stored_row_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("app.db");
    let db = Database::connect(
        &format!("sqlite://{}", path.display()),
        PoolOptions::default(),
    )
    .expect("pool");
    db.run_migrations().await.expect("migrations");
    let repo = DieselAccountRepository::new(db);
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("saved");

    let mut raw = SqliteConnection::establish(&path.display().to_string()).expect("raw");
    raw.batch_execute(
        "PRAGMA busy_timeout = 5000; UPDATE tiktok_accounts SET scopes = 'NOT A SCOPE'",
    )
    .expect("hand edit");
    let read = repo.find_by_user(&user("user-1")).await;
    let Err(RepositoryError::Corrupt(cause)) = &read else {
        panic!("expected Corrupt, got {read:?}");
    };
    assert!(chain(cause.as_ref()).contains("scopes"), "{cause}");
    assert!(read.as_ref().err().and_then(|e| e.source()).is_some());
}

#[tokio::test]
async fn an_in_memory_sqlite_database_works_for_quick_experiments() {
    let db = Database::connect("sqlite::memory:", PoolOptions::default()).expect("pool");
    db.run_migrations().await.expect("migrations");
    let repo = DieselAccountRepository::new(db);
    let saved = repo
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("saved");
    let read = repo.find_by_user(&user("user-1")).await.expect("found");
    assert_eq!(read, Some(saved));
}

#[tokio::test]
async fn until_the_migrations_have_run_the_database_is_not_ready_and_a_gated_pool_not_queried() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}/late.db", dir.path().display());
    let db = Database::connect(&url, PoolOptions::default())
        .expect("pool")
        .gated_until_migrated();
    let repo = DieselAccountRepository::new(db.clone());

    db.ping().await.expect("the file answers");
    let ready = db.ready().await;
    assert!(
        matches!(ready, Err(RepositoryError::Unavailable(_))),
        "{ready:?}"
    );
    let read = repo.find_by_user(&user("user-1")).await;
    assert!(
        matches!(read, Err(RepositoryError::Unavailable(_))),
        "{read:?}"
    );
    db.run_migrations().await.expect("migrations");
    db.ready().await.expect("ready");
    assert_eq!(repo.find_by_user(&user("user-1")).await.expect("ok"), None);
}

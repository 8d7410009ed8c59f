//! A fresh database per test: a temporary SQLite file, or a new PostgreSQL database dropped afterwards.

use diesel::{Connection, PgConnection, RunQueryDsl};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database on the server at `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
    Postgres,
}

/// A database that exists for one test.
pub struct TestDatabase {
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates the database; `None` when PostgreSQL is not reachable (unless `REQUIRE_POSTGRES` is set,
    /// as in CI, where that is a failure).
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => Self::create_postgres(),
        }
    }

    fn create_postgres() -> Option<Self> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut admin = match PgConnection::establish(&admin_url) {
            Ok(conn) => conn,
            Err(error) => {
                if std::env::var_os("REQUIRE_POSTGRES").is_some() {
                    panic!("REQUIRE_POSTGRES is set but PostgreSQL is not reachable at {admin_url}: {error}");
                }
                eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url} ({error}); the PostgreSQL variant of this test did not run");
                return None;
            }
        };
        let name = format!("tiktok_e2e_{}", uuid_like());
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("CREATE DATABASE");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b)
            .to_owned();
        Some(Self {
            url: format!("{base}/{name}"),
            _dir: None,
            postgres: Some((admin_url, name)),
        })
    }

    /// The `DATABASE_URL` of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000_000, n)
}

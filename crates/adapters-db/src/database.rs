//! [`Database`]: the connection pool, migrations and the readiness probe.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::{timeout_at, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::Pool;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use tiktok_domain::ports::RepositoryError;

use crate::connection::{AnyConnection, Manager, Target, TracingErrorHandler};
use crate::errors::{DbError, QueryFailure};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The least time a checkout may wait once a permit is held (a permit always frees a connection soon).
const MIN_CHECKOUT: Duration = Duration::from_millis(50);

/// Key of the PostgreSQL advisory lock that keeps two replicas from migrating at once.
const MIGRATION_LOCK_KEY: i64 = 0x7469_6b74_6f6b_6462; // "tiktokdb"

/// Which database engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (bundled), for development and single-node use.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Connection pool settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolOptions {
    /// Most connections held at once (default 8). An in-memory SQLite database always uses 1.
    pub max_size: u32,
    /// How long a query waits for a connection before failing with `Unavailable` (default 500 ms).
    /// Keep it short: when the database is down, callers must fail fast rather than hang.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 8,
            connection_timeout: Duration::from_millis(500),
        }
    }
}

/// A pool of connections to PostgreSQL or SQLite. Cheap to clone; clones share the pool.
///
/// Until [`Database::run_migrations`] has succeeded once in this process, [`Database::ready`] says
/// `Unavailable`: the schema may not be there yet. A pool made [`Database::gated_until_migrated`] (the
/// service's) also answers every query with `Unavailable` until then.
#[derive(Clone)]
pub struct Database {
    pool: Pool<Manager>,
    /// One permit per pooled connection: callers wait for one on the async runtime, so that only as many
    /// blocking threads as there are connections run at once (instead of one per waiting request, each
    /// parked on the pool's lock).
    permits: Arc<Semaphore>,
    backend: Backend,
    migrated: Arc<AtomicBool>,
    gated: bool,
    queries: Arc<AtomicU64>,
    /// Calls that found every connection taken and had to wait.
    waits: Arc<AtomicU64>,
    /// Calls that gave up waiting (answered `Unavailable`).
    timeouts: Arc<AtomicU64>,
}

/// The pool's state, for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections in use right now (permits held).
    pub in_use: u64,
    /// The pool's size.
    pub max_size: u64,
    /// Calls so far that found every connection in use and waited.
    pub waits: u64,
    /// Calls so far that gave up waiting for a connection.
    pub timeouts: u64,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("state", &self.pool.state())
            .finish()
    }
}

impl Database {
    /// Builds the pool for `postgres://…`, `postgresql://…`, `sqlite://<path>` or `sqlite::memory:`.
    ///
    /// No connection is made here: the service starts even while the database is down, queries fail with
    /// `Unavailable` within `connection_timeout`, and the pool reconnects by itself once the database is
    /// back. For a SQLite file, the file's directory is created when missing.
    ///
    /// # Errors
    /// [`DbError::UnsupportedUrl`], [`DbError::InvalidOptions`] or [`DbError::CreateDirectory`].
    pub fn connect(url: &str, options: PoolOptions) -> Result<Database, DbError> {
        let target = Target::parse(url).ok_or_else(|| DbError::UnsupportedUrl {
            scheme: url.split(':').next().unwrap_or_default().to_owned(),
        })?;
        if options.max_size == 0 {
            return Err(DbError::InvalidOptions("max_size must be at least 1"));
        }
        if options.connection_timeout.is_zero() {
            return Err(DbError::InvalidOptions(
                "connection_timeout must be positive",
            ));
        }
        let backend = match &target {
            Target::Postgres(_) => Backend::Postgres,
            Target::Sqlite(path) => {
                create_parent_directory(path)?;
                Backend::Sqlite
            }
        };
        let mut builder = Pool::builder()
            .max_size(options.max_size)
            .connection_timeout(options.connection_timeout)
            // No `SELECT 1` before every checkout: it doubled the statements of each call, and a dead
            // connection is caught anyway (`has_broken`, and closed connections map to `Unavailable`).
            .test_on_check_out(false)
            .error_handler(Box::new(TracingErrorHandler::default()));
        if target.is_sqlite_memory() {
            // Every connection would open its own empty database: keep exactly one, forever.
            builder = builder.max_size(1).idle_timeout(None).max_lifetime(None);
        }
        let queries = Arc::new(AtomicU64::new(0));
        let pool = builder.build_unchecked(Manager::new(target, Arc::clone(&queries)));
        Ok(Database {
            permits: Arc::new(Semaphore::new(pool.max_size() as usize)),
            pool,
            backend,
            migrated: Arc::new(AtomicBool::new(false)),
            gated: false,
            queries,
            waits: Arc::default(),
            timeouts: Arc::default(),
        })
    }

    /// This pool, answering every query of the repositories with `Unavailable` until
    /// [`Database::run_migrations`] has succeeded (instead of failing on a missing table).
    pub fn gated_until_migrated(mut self) -> Self {
        self.gated = true;
        self
    }

    /// The engine behind the URL.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connections in use, the pool's size, and the waits and timeouts so far.
    pub fn stats(&self) -> PoolStats {
        let max_size = u64::from(self.pool.max_size());
        let free = self.permits.available_permits() as u64;
        PoolStats {
            in_use: max_size.saturating_sub(free),
            max_size,
            waits: self.waits.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
        }
    }

    /// How many SQL statements the pool's connections have started so far (queries, transaction
    /// statements, the pool's health checks), for tests that prove a request runs a constant number of them.
    pub fn queries_executed(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Applies the pending embedded migrations of this backend (`migrations/sqlite` or
    /// `migrations/postgres`). Running it again is harmless; on PostgreSQL an advisory lock keeps
    /// concurrent replicas from migrating at the same time.
    ///
    /// # Errors
    /// [`DbError::Unavailable`] when no connection can be had, [`DbError::Migration`] when a migration fails.
    pub async fn run_migrations(&self) -> Result<(), DbError> {
        let applied = self
            .run_unchecked(|conn| Ok(migrate(conn)))
            .await
            .map_err(DbError::from)?;
        let versions = applied.map_err(DbError::Migration)?;
        self.migrated.store(true, Ordering::Release);
        tracing::info!(applied = versions, backend = ?self.backend, "database migrations done");
        Ok(())
    }

    /// Connectivity probe: checks out a connection and runs `SELECT 1`.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the database cannot be reached in time.
    pub async fn ping(&self) -> Result<(), RepositoryError> {
        self.run_unchecked(|conn| Ok(conn.batch_execute("SELECT 1")?))
            .await
            .map_err(RepositoryError::from)
    }

    /// Readiness probe: the migrations have run and the database answers ([`Database::ping`]).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] while migrations are pending or the database cannot be reached.
    pub async fn ready(&self) -> Result<(), RepositoryError> {
        if !self.migrated.load(Ordering::Acquire) {
            return Err(QueryFailure::NotMigrated.into());
        }
        self.ping().await
    }

    /// Runs blocking Diesel work on a pooled connection, off the async runtime (once migrated, if gated).
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, QueryFailure>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, QueryFailure> + Send + 'static,
        T: Send + 'static,
    {
        if self.gated && !self.migrated.load(Ordering::Acquire) {
            return Err(QueryFailure::NotMigrated);
        }
        self.run_unchecked(work).await
    }

    /// [`Database::run`] even before the migrations (for them, and for the ping).
    async fn run_unchecked<T, F>(&self, work: F) -> Result<T, QueryFailure>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, QueryFailure> + Send + 'static,
        T: Send + 'static,
    {
        // The whole wait (a permit, then a connection) is bounded by the pool's timeout, so that callers
        // still fail fast while the database is down.
        let deadline = Instant::now() + self.pool.connection_timeout();
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                self.waits.fetch_add(1, Ordering::Relaxed);
                let waited = timeout_at(deadline, Arc::clone(&self.permits).acquire_owned()).await;
                match waited {
                    Ok(Ok(permit)) => permit,
                    _ => {
                        self.timeouts.fetch_add(1, Ordering::Relaxed);
                        return Err(QueryFailure::Busy);
                    }
                }
            }
        };
        let pool = self.pool.clone();
        let timeouts = Arc::clone(&self.timeouts);
        tokio::task::spawn_blocking(move || {
            let left = deadline.saturating_duration_since(Instant::now());
            let mut conn = pool.get_timeout(left.max(MIN_CHECKOUT)).inspect_err(|_| {
                timeouts.fetch_add(1, Ordering::Relaxed);
            })?;
            let done = work(&mut conn);
            // The connection back in the pool first, then the permit: the call the permit wakes finds
            // the connection free instead of waiting on the pool's lock for it.
            drop(conn);
            drop(permit);
            done
        })
        .await?
    }
}

/// Runs the migrations; the outer error is the connection's, the inner one the migration's.
fn migrate(conn: &mut AnyConnection) -> Result<usize, tiktok_domain::ports::BoxError> {
    match conn {
        AnyConnection::Sqlite(c) => Ok(c.run_pending_migrations(SQLITE_MIGRATIONS)?.len()),
        AnyConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            let unlocked =
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
            let applied = result?;
            unlocked?;
            Ok(applied)
        }
    }
}

fn create_parent_directory(path: &str) -> Result<(), DbError> {
    if path == ":memory:" || path.starts_with("file:") {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|source| DbError::CreateDirectory {
                path: dir.display().to_string(),
                source,
            }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool_of(size: u32, timeout_ms: u64) -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}/pool.db", dir.path().display());
        let options = PoolOptions {
            max_size: size,
            connection_timeout: Duration::from_millis(timeout_ms),
        };
        (dir, Database::connect(&url, options).expect("pool"))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_that_finds_every_connection_busy_fails_within_the_timeout() {
        let (_dir, db) = pool_of(1, 300);
        let holding = Arc::new(AtomicBool::new(false));
        let (holder, flag) = (db.clone(), Arc::clone(&holding));
        let held = tokio::spawn(async move {
            holder
                .run(move |_conn| {
                    flag.store(true, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_secs(3));
                    Ok(())
                })
                .await
        });
        while !holding.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        let started = std::time::Instant::now();
        let waited = db.run(|_conn| Ok(())).await;

        let took = started.elapsed();
        assert!(matches!(waited, Err(QueryFailure::Busy)), "{waited:?}");
        let stats = db.stats();
        assert_eq!(
            (stats.in_use, stats.max_size),
            (1, 1),
            "the holder's connection"
        );
        assert_eq!((stats.waits, stats.timeouts), (1, 1), "{stats:?}");
        let for_callers = waited.map_err(RepositoryError::from);
        assert!(
            matches!(for_callers, Err(RepositoryError::Unavailable(_))),
            "{for_callers:?}"
        );
        assert!(
            took < Duration::from_millis(1_500),
            "answered after {took:?}, not within the 300 ms timeout (the holder keeps its connection 3 s)"
        );
        held.await.expect("joined").expect("ran");
    }
}

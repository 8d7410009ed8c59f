//! The connection layer: one connection type for both backends, and an r2d2 manager that picks the
//! backend from the URL and keeps the real connection error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{
    AnsiTransactionManager, InstrumentationEvent, SimpleConnection, TransactionManager,
};
use diesel::pg::PgConnection;
use diesel::r2d2::{HandleError, ManageConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

/// A PostgreSQL or a SQLite connection; every query is written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// A PostgreSQL connection.
    Postgres(PgConnection),
    /// A SQLite connection.
    Sqlite(SqliteConnection),
}

/// Runs `$body` on the connection's own backend (`$conn` bound to the `PgConnection` or the
/// `SqliteConnection` inside an [`AnyConnection`]), the query written once.
///
/// For the reads every request makes: through `AnyConnection` Diesel builds each statement's SQL anew
/// (its cache key), while a typed query on the backend's own connection is found in the prepared-statement
/// cache by its type and its SQL never built again (docs/performance.md).
macro_rules! on_own_backend {
    ($any:expr, |$conn:ident| $body:expr) => {
        match $any {
            $crate::connection::AnyConnection::Postgres($conn) => $body,
            $crate::connection::AnyConnection::Sqlite($conn) => $body,
        }
    };
}
pub(crate) use on_own_backend;

/// What the URL points at, with the scheme already read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The full `postgres://` URL, as libpq takes it.
    Postgres(String),
    /// A SQLite file path, or `:memory:`.
    Sqlite(String),
}

/// Seconds libpq waits for the server before giving up on one attempt, unless the URL says otherwise.
const PG_CONNECT_TIMEOUT_SECS: u32 = 5;

/// SQLite settings applied to every new connection; `busy_timeout` first, so the others wait for locks.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

impl Target {
    /// Reads the scheme: `postgres://` or `postgresql://`, `sqlite://<path>` or `sqlite:<path>`
    /// (`sqlite::memory:` is an in-memory database). `None` for any other scheme.
    pub(crate) fn parse(url: &str) -> Option<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let url = if url.contains("connect_timeout=") {
                url.to_owned()
            } else {
                let separator = if url.contains('?') { '&' } else { '?' };
                format!("{url}{separator}connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
            };
            return Some(Target::Postgres(url));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        (!path.is_empty()).then(|| Target::Sqlite(path.to_owned()))
    }

    /// Whether this is a SQLite database that lives only as long as its connection.
    pub(crate) fn is_sqlite_memory(&self) -> bool {
        matches!(self, Target::Sqlite(path) if path == ":memory:")
    }
}

/// Why a pooled connection could not be made or checked.
#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    /// The server refused or could not be reached; the text is libpq's or SQLite's own.
    #[error(transparent)]
    Connect(#[from] diesel::ConnectionError),
    /// The connection was made but a setup or health query failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// The r2d2 manager: connects to exactly the backend the URL names, and counts the statements every
/// connection it made runs.
#[derive(Debug)]
pub(crate) struct Manager {
    target: Target,
    queries: Arc<AtomicU64>,
}

impl Manager {
    pub(crate) fn new(target: Target, queries: Arc<AtomicU64>) -> Self {
        Self { target, queries }
    }

    /// Counts every statement the connection starts (queries, transaction statements, health checks).
    fn instrument(&self, conn: &mut impl Connection) {
        let queries = Arc::clone(&self.queries);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                queries.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = ManagerError;

    fn connect(&self) -> Result<AnyConnection, ManagerError> {
        match &self.target {
            Target::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                self.instrument(&mut conn);
                Ok(AnyConnection::Postgres(conn))
            }
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                self.instrument(&mut conn);
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ManagerError> {
        Ok(conn.ping()?)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken()
    }
}

/// Logs connection failures through `tracing`, at most one warning every 10 s: while the database is
/// down, r2d2 retries several times a second.
#[derive(Debug, Default)]
pub(crate) struct TracingErrorHandler {
    last_warning: Mutex<Option<Instant>>,
}

impl HandleError<ManagerError> for TracingErrorHandler {
    fn handle_error(&self, error: ManagerError) {
        let now = Instant::now();
        let warn = match self.last_warning.lock() {
            Ok(mut last) => {
                let due = last.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(10));
                if due {
                    *last = Some(now);
                }
                due
            }
            Err(_) => true,
        };
        if warn {
            tracing::warn!(error = %error, "database connection failed; retrying");
        } else {
            tracing::debug!(error = %error, "database connection failed; retrying");
        }
    }
}

/// Runs `f` in a transaction that takes the write lock at once: `BEGIN IMMEDIATE` on SQLite (so a
/// read-then-write never fails with "database is locked" half-way), a plain transaction on PostgreSQL.
pub(crate) fn write_transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        AnyConnection::Postgres(_) => conn.transaction(f),
        AnyConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(e) => {
                    <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
                    Err(e)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn the_scheme_picks_the_backend_and_sqlite_prefixes_are_stripped() {
        assert_eq!(
            Target::parse("sqlite://data/app.db"),
            Some(Target::Sqlite("data/app.db".into()))
        );
        assert_eq!(
            Target::parse("sqlite:///tmp/x.db"),
            Some(Target::Sqlite("/tmp/x.db".into()))
        );
        assert!(Target::parse("sqlite::memory:").is_some_and(|t| t.is_sqlite_memory()));
        assert_eq!(
            Target::parse("postgres://u@h/db"),
            Some(Target::Postgres(
                "postgres://u@h/db?connect_timeout=5".into()
            ))
        );
        assert_eq!(
            Target::parse("postgresql://u@h/db?sslmode=require"),
            Some(Target::Postgres(
                "postgresql://u@h/db?sslmode=require&connect_timeout=5".into()
            ))
        );
        assert_eq!(
            Target::parse("postgres://u@h/db?connect_timeout=9"),
            Some(Target::Postgres(
                "postgres://u@h/db?connect_timeout=9".into()
            ))
        );
        assert_eq!(Target::parse("mysql://u@h/db"), None);
        assert_eq!(Target::parse("sqlite://"), None);
        assert_eq!(Target::parse("data/app.db"), None);
    }
}

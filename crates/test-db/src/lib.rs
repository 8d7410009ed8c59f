//! Throw-away test databases for every test harness of the workspace: a SQLite file in a temporary
//! directory, or a new PostgreSQL database dropped afterwards.
//!
//! One crate, so that one rule holds for every PostgreSQL test: under `REQUIRE_POSTGRES=1` (CI) a missing
//! PostgreSQL fails the test; otherwise the test is skipped and the skip is written straight to stderr, where
//! libtest does not hide it (it hides only what a passing test printed through `print!`/`eprint!`).
//! See README.md.
#![expect(
    clippy::expect_used,
    reason = "a test-support crate: a failed set-up fails the calling test with its message"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The server used when `TEST_DATABASE_URL` is not set.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database on the server at `TEST_DATABASE_URL` (default [`DEFAULT_ADMIN_URL`]).
    Postgres,
}

/// A database that exists for one test (or one test binary), removed when dropped.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Sqlite {
        path: PathBuf,
        _dir: tempfile::TempDir,
    },
    /// Held for its `Drop`, which drops the database.
    Postgres { _db: PgDatabase },
}

impl TestDatabase {
    /// Creates the database. `None` means PostgreSQL is not reachable and the test should return: the skip
    /// has been reported where libtest shows it. Panics instead under `REQUIRE_POSTGRES=1`.
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite()),
            Backend::Postgres => Self::postgres(),
        }
    }

    /// A SQLite file `test.db` in a new temporary directory.
    pub fn sqlite() -> Self {
        Self::sqlite_at("test.db")
    }

    /// A SQLite file at `relative` inside a new temporary directory; its parent folders are not created
    /// (so a test can check that the adapter creates them).
    pub fn sqlite_at(relative: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for the SQLite test database");
        let path = dir.path().join(relative);
        Self {
            url: format!("sqlite://{}", path.display()),
            kind: Kind::Sqlite { path, _dir: dir },
        }
    }

    /// A new PostgreSQL database, or `None` (reported) when PostgreSQL is not reachable and not required.
    pub fn postgres() -> Option<Self> {
        let pg = PgDatabase::create()?;
        Some(Self {
            url: pg.url.clone(),
            kind: Kind::Postgres { _db: pg },
        })
    }

    /// The `DATABASE_URL` of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self.kind {
            Kind::Sqlite { .. } => Backend::Sqlite,
            Kind::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.backend() == Backend::Postgres
    }

    /// The SQLite file, when this is SQLite (tests read it directly).
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Sqlite { path, .. } => Some(path),
            Kind::Postgres { .. } => None,
        }
    }
}

/// A uniquely named PostgreSQL database, dropped (with its connections) when this value is dropped.
#[derive(Debug)]
pub struct PgDatabase {
    /// The URL of the database.
    pub url: String,
    /// Its name (plain: lower-case letters, digits and `_`).
    pub name: String,
    admin_url: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl PgDatabase {
    /// A unique name and its URL on the test server, without creating the database (tests of what the
    /// service does when its database does not exist yet). `None`/panic as [`TestDatabase::create`].
    pub fn reserve() -> Option<Self> {
        let admin_url = admin_url();
        if !postgres_reachable(&admin_url) {
            return None;
        }
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "tiktok_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let url = database_url(&admin_url, &name).expect("TEST_DATABASE_URL is a PostgreSQL URL");
        Some(Self {
            url,
            name,
            admin_url,
        })
    }

    /// A new empty database on the test server. `None`/panic as [`TestDatabase::create`].
    pub fn create() -> Option<Self> {
        let db = Self::reserve()?;
        db.create_now();
        Some(db)
    }

    /// Creates the database [`PgDatabase::reserve`] named.
    pub fn create_now(&self) {
        let mut admin = PgConnection::establish(&self.admin_url).unwrap_or_else(|e| {
            panic!(
                "PostgreSQL at {} stopped answering: {e}",
                redacted(&self.admin_url)
            )
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {}", self.name))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {}: {e}", self.name));
    }

    /// Creates database `name` on the server of `admin_url`, replacing one of that name (the benchmark's
    /// fixed names). An error, not a skip: the caller asked for this server.
    pub fn create_named(admin_url: &str, name: &str) -> Result<Self, String> {
        if !is_plain_name(name) {
            return Err(format!("{name:?} is not a plain database name"));
        }
        let url = database_url(admin_url, name)?;
        let mut conn = PgConnection::establish(admin_url)
            .map_err(|e| format!("PostgreSQL at the admin URL does not answer: {e}"))?;
        // One statement per call: several in one string would run as one transaction, which
        // CREATE/DROP DATABASE refuse.
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            conn.batch_execute(&statement)
                .map_err(|e| format!("cannot create database {name}: {e}"))?;
        }
        Ok(Self {
            url,
            name: name.to_owned(),
            admin_url: admin_url.to_owned(),
        })
    }

    /// The URL of the database.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut admin| {
                admin
                    .batch_execute(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        self.name
                    ))
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// The test server's URL: `TEST_DATABASE_URL`, or [`DEFAULT_ADMIN_URL`].
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// Whether `REQUIRE_POSTGRES` is set (to anything but empty or `0`): a missing PostgreSQL is then a failure.
pub fn postgres_required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Whether the server answers. Probed once per process: when it does not, every later PostgreSQL test of
/// this binary skips (or fails) at once instead of waiting for another connection timeout. When it does not
/// answer, panics under `REQUIRE_POSTGRES`, else reports the skip of the current test where libtest shows it.
fn postgres_reachable(admin_url: &str) -> bool {
    static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
    let probe = PROBE.get_or_init(|| {
        PgConnection::establish(admin_url)
            .map(drop)
            // libpq's message spans lines; one line reads better next to libtest's.
            .map_err(|e| {
                e.to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    });
    let Err(error) = probe else {
        return true;
    };
    let shown = redacted(admin_url);
    if postgres_required() {
        panic!("REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at {shown}: {error}");
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a PostgreSQL test")
        .to_owned();
    // Straight to the stderr handle: `eprintln!` would be captured and, the test passing, never shown.
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED (no PostgreSQL at {shown}: {error}): {test}; set REQUIRE_POSTGRES=1 to make this a failure"
    );
    false
}

/// `admin_url` with its database replaced by `name` (query parameters kept).
pub fn database_url(admin_url: &str, name: &str) -> Result<String, String> {
    let mut url = url::Url::parse(admin_url).map_err(|e| format!("not a PostgreSQL URL ({e})"))?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(format!("not a PostgreSQL URL: scheme {:?}", url.scheme()));
    }
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "<TEST_DATABASE_URL, not a URL>".to_owned(),
    }
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_the_url() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "t1").as_deref(),
            Ok("postgres://postgres@127.0.0.1:5432/t1")
        );
        assert_eq!(
            database_url("postgresql://u:p@db/x?sslmode=disable", "b").as_deref(),
            Ok("postgresql://u:p@db/b?sslmode=disable")
        );
        assert_eq!(
            database_url("postgres://h:5432", "t1").as_deref(),
            Ok("postgres://h:5432/t1")
        );
        assert!(database_url("sqlite://x.db", "b").is_err());
        assert!(database_url("not a url", "b").is_err());
    }

    #[test]
    fn refuses_names_that_would_need_quoting() {
        let err =
            PgDatabase::create_named("postgres://127.0.0.1:1/postgres", "x; DROP").unwrap_err();
        assert!(err.contains("not a plain database name"), "{err}");
    }

    #[test]
    fn messages_do_not_show_the_password() {
        let shown = redacted("postgres://u:secret@db:5432/x");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("u:***@db"), "{shown}");
    }

    #[test]
    fn a_sqlite_database_is_a_file_in_a_directory_removed_on_drop() {
        let db = TestDatabase::sqlite_at("data/test.db");
        let path = db.sqlite_path().expect("SQLite").to_owned();
        assert_eq!(db.url(), format!("sqlite://{}", path.display()));
        assert!(path.ends_with("data/test.db"));
        let dir = path
            .parent()
            .and_then(Path::parent)
            .expect("the temp dir")
            .to_owned();
        assert!(dir.exists());
        drop(db);
        assert!(!dir.exists());
    }
}

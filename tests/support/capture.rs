//! Attacker's-eye helpers: capture every log line the process writes, and read the test database raw.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use diesel::sql_types::{Nullable, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::TestDatabase;

/// An in-memory, shared log sink.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Everything written so far, as (lossy) text.
    pub fn contents(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// One write handle onto a [`LogBuffer`].
pub struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LogWriter(Arc::clone(&self.0))
    }
}

/// Installs, once per test binary, a global subscriber that records everything at TRACE level (all targets,
/// all spans' fields) into memory, and returns its buffer. Call it before starting the service.
///
/// Panics if another global subscriber was installed first: the capture would then see nothing.
pub fn capture_logs() -> LogBuffer {
    static BUFFER: OnceLock<LogBuffer> = OnceLock::new();
    BUFFER
        .get_or_init(|| {
            let buffer = LogBuffer::default();
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
                .with_writer(buffer.clone())
                .with_ansi(false)
                .with_target(true)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
                .finish();
            // `try_init` also routes the `log` crate's records (reqwest logs through it) into the capture.
            subscriber.try_init().expect(
                "no other global tracing subscriber or logger is installed in the test binary",
            );
            buffer
        })
        .clone()
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    j: String,
}

/// What an attacker with a copy of the database sees: on SQLite the bytes of the database file and of its
/// `-wal` and `-journal` files (lossy text); on PostgreSQL every column of every `tiktok_accounts` row as
/// JSON text.
pub fn raw_dump(db: &TestDatabase) -> String {
    if db.is_postgres() {
        let mut conn = PgConnection::establish(db.url()).expect("the test database opens");
        let rows: Vec<Row> =
            diesel::sql_query("SELECT row_to_json(t)::text AS j FROM tiktok_accounts t")
                .load(&mut conn)
                .expect("tiktok_accounts reads");
        rows.into_iter().map(|r| r.j + "\n").collect()
    } else {
        let path = sqlite_path(db);
        let mut dump = Vec::new();
        for suffix in ["", "-wal", "-journal"] {
            if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
                dump.extend_from_slice(&bytes);
            }
        }
        String::from_utf8_lossy(&dump).into_owned()
    }
}

/// Runs one SQL statement against the test database behind the service's back; returns the rows changed.
pub fn execute_sql(db: &TestDatabase, sql: &str) -> usize {
    if db.is_postgres() {
        let mut conn = PgConnection::establish(db.url()).expect("the test database opens");
        diesel::sql_query(sql).execute(&mut conn).expect(sql)
    } else {
        let mut conn =
            SqliteConnection::establish(sqlite_path(db)).expect("the test database opens");
        diesel::sql_query("PRAGMA busy_timeout = 5000")
            .execute(&mut conn)
            .expect("busy_timeout");
        diesel::sql_query(sql).execute(&mut conn).expect(sql)
    }
}

#[derive(QueryableByName)]
struct Sealed {
    #[diesel(sql_type = Nullable<Text>)]
    access_token: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    refresh_token: Option<String>,
}

/// The stored (sealed) `access_token` and `refresh_token` columns of `user_id`'s row, as they are in the
/// database.
pub fn stored_tokens(db: &TestDatabase, user_id: &str) -> (Option<String>, Option<String>) {
    let query = diesel::sql_query(
        "SELECT access_token, refresh_token FROM tiktok_accounts WHERE user_id = $1",
    )
    .bind::<Text, _>(user_id);
    let rows: Vec<Sealed> = if db.is_postgres() {
        let mut conn = PgConnection::establish(db.url()).expect("the test database opens");
        query.load(&mut conn).expect("tiktok_accounts reads")
    } else {
        let mut conn =
            SqliteConnection::establish(sqlite_path(db)).expect("the test database opens");
        query.load(&mut conn).expect("tiktok_accounts reads")
    };
    let row = rows.into_iter().next().expect("the user's row exists");
    (row.access_token, row.refresh_token)
}

fn sqlite_path(db: &TestDatabase) -> &str {
    db.url().strip_prefix("sqlite://").expect("a sqlite:// URL")
}

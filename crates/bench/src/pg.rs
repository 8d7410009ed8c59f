//! Fresh PostgreSQL databases for one run, dropped at the end: the workspace's one test-database crate
//! (`crates/test-db`) makes them, as it does for the tests.

/// A database created for this run; dropped (with its connections) when this value is dropped.
/// `FreshDatabase::create_named(admin_url, name)` replaces a database of that name.
pub type FreshDatabase = tiktok_test_db::PgDatabase;

pub use tiktok_test_db::database_url;

//! A fresh database per test: a temporary SQLite file, or a new PostgreSQL database dropped afterwards.
//! The databases come from the workspace's one test-database crate (`crates/test-db`), so a missing
//! PostgreSQL fails under `REQUIRE_POSTGRES=1` and shows as `SKIPPED` otherwise.

pub use tiktok_test_db::{Backend, TestDatabase};

//! `make bench`: a load benchmark of the TikTok integration service.
//!
//! Two binaries share this library: `yardstick`, a bare actix-web + Diesel primary-key lookup that shows
//! what this machine can do at all, and `bench`, the driver, which starts the release service on a fresh
//! PostgreSQL database with the TikTok sandbox, connects creators through the real OAuth flow, drives
//! `status`, `metrics` and `sync` with `wrk` at rising concurrency beside the yardstick, and prints the
//! figures as ratios to the yardstick so that they hold on a noisy machine. See docs/performance.md.

pub mod pg;
pub mod quota;
pub mod report;
pub mod stats;
pub mod wrk;

/// The pool size of both the service (`database.max_connections`, 8 by default) and the yardstick.
pub const POOL_SIZE: u32 = 8;

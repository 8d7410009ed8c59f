//! `[events]`: where the events for internal services go (issue #12), how they are retried and how long
//! they are kept.

use secrecy::SecretString;
use serde::Deserialize;

/// `[events]`
#[derive(Debug, Clone, Deserialize)]
pub struct EventsSettings {
    /// `EVENTS_WEBHOOK_URLS`: receiver URLs, comma-separated; each gets every event type.
    pub webhook_urls: String,
    /// `EVENTS_WEBHOOK_SECRET`: `whsec_…` (several space-separated during a rotation), signing every
    /// receiver's deliveries unless a `[[events.receivers]]` entry sets its own.
    pub webhook_secret: SecretString,
    /// Whether this replica runs the dispatcher and the retention purge (whatever
    /// `background.enabled` says: an API-only replica still delivers what it wrote, unless switched off).
    pub dispatch_enabled: bool,
    /// Events older than this many days are deleted with their deliveries (the feed keeps them this long).
    pub retention_days: i64,
    /// A delivery is retried for this many hours after it was created, then marked failed.
    pub retry_window_hours: u64,
    /// Delay after the first failed attempt (doubling after each, with jitter).
    pub first_retry_seconds: u64,
    /// Longest delay between two attempts.
    pub max_retry_delay_seconds: u64,
    /// How long the dispatcher waits before looking again when nothing was due.
    pub dispatch_interval_ms: u64,
    /// Most deliveries in flight at once on this replica (also the most claimed at once).
    pub dispatch_batch: u32,
    /// Most deliveries in flight at once to one receiver.
    pub per_receiver: usize,
    /// One attempt's whole timeout (connect, send, response head).
    pub delivery_timeout_ms: u64,
    /// How long a replica's claim on a delivery lasts; must exceed `delivery_timeout_ms`.
    pub lease_seconds: u64,
    /// `[[events.receivers]]`: receivers with their own secret or event types, on top of
    /// `EVENTS_WEBHOOK_URLS`.
    #[serde(default)]
    pub receivers: Vec<ReceiverSettings>,
}

/// One `[[events.receivers]]` entry.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceiverSettings {
    /// Where deliveries are posted (https in production).
    pub url: String,
    /// Its own `whsec_…` secret(s); `EVENTS_WEBHOOK_SECRET` when absent.
    #[serde(default)]
    pub secret: Option<SecretString>,
    /// The event types it is sent (`tiktok.account.synced`, …); every type when absent.
    #[serde(default)]
    pub types: Option<Vec<String>>,
}

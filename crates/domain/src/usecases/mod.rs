//! The use cases: connect (start and complete the authorization), status, sync (profile, history, videos),
//! metrics and analytics, videos, history, disconnect (optionally purging).
//!
//! [`AccountService`] holds every port as `Arc<dyn Port>`; the HTTP layer (or any other caller) builds it
//! once and calls one method per use case. Each method first checks that the [`Caller`] may act for the
//! user, and answers with a [`ServiceError`] whose variants are what a caller branches on.

mod authorize;
mod background;
mod caller;
mod calls;
mod config;
mod content_reads;
mod disconnect;
mod error;
mod overview;
mod refresh;
mod retention;
mod rotate_keys;
mod single_flight;
mod status;
mod sync;
mod sync_flight;
mod tokens;
mod videos;
mod views;
mod webhook;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use background::{RefreshReport, SyncReport};
pub use caller::Caller;
pub use calls::Metered;
pub use config::{ContentConfig, ServiceConfig};
pub use content_reads::{HistorySeries, DEFAULT_HISTORY_DAYS};
pub use error::ServiceError;
pub use overview::{AccountCounts, AccountOverview};
pub use retention::RETENTION_EVERY;
pub use rotate_keys::{KeyRotation, RotationReport};
pub use videos::VIDEO_PAGE_SIZE;
pub use views::{
    AccountMetrics, AuthorizationStart, CallbackOutcome, ConnectionStatus, MetricsReport,
    MissingData,
};
pub use webhook::RemovalOutcome;

use crate::ports::{
    AccountRepository, AccountSchedule, Clock, ContentRepository, OAuthStateStore, TikTokData,
    TikTokOAuth, TokenCipher,
};

/// Every port the use cases need.
#[derive(Clone)]
pub struct Ports {
    /// Storage of accounts.
    pub accounts: Arc<dyn AccountRepository>,
    /// Storage of videos, snapshots and the video sync's state.
    pub content: Arc<dyn ContentRepository>,
    /// Storage of pending OAuth states.
    pub states: Arc<dyn OAuthStateStore>,
    /// TikTok's token endpoint and authorize page.
    pub oauth: Arc<dyn TikTokOAuth>,
    /// TikTok's Display API.
    pub data: Arc<dyn TikTokData>,
    /// Seals tokens before storage.
    pub cipher: Arc<dyn TokenCipher>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Due accounts and sync claims, for the background rounds.
    pub schedule: Arc<dyn AccountSchedule>,
}

/// The TikTok account use cases, behind the ports.
#[derive(Clone)]
pub struct AccountService {
    ports: Ports,
    config: ServiceConfig,
    /// This process's refreshes in flight, shared by the clones of the service.
    flights: Arc<single_flight::Flights>,
    /// This process's syncs in flight, one per account.
    sync_flights: Arc<sync_flight::SyncFlights>,
    /// When this process last ran the history retention.
    retention: Arc<retention::RetentionSchedule>,
}

impl AccountService {
    /// Builds the service from its ports and settings. The TikTok ports are wrapped so that each call is
    /// counted for the request it is made for ([`Metered`]).
    pub fn new(mut ports: Ports, config: ServiceConfig) -> Self {
        ports.data = Arc::new(calls::Counted(ports.data));
        ports.oauth = Arc::new(calls::Counted(ports.oauth));
        Self {
            ports,
            config,
            flights: Arc::new(single_flight::Flights::new()),
            sync_flights: Arc::default(),
            retention: Arc::default(),
        }
    }

    /// The settings the service runs with.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }
}

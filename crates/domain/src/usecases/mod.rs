//! The use cases, split along their seams into types that each hold only the ports they need:
//!
//! - [`TokenKeeper`]: an access token valid for the request, refreshed when due (single flight across
//!   replicas); the only caller of TikTok's token refresh.
//! - [`Connections`]: the OAuth flow (start and complete the authorization), disconnect and purge, and
//!   TikTok's `authorization.removed` webhook.
//! - [`AccountSync`]: the sync (profile, history snapshot, videos, analytics), one per account at a time.
//! - [`ContentReads`]: status, stored videos, history and metrics (no TikTok call).
//! - [`BackgroundRounds`]: the refresh and sync rounds, and the history retention.
//!
//! [`AccountService`] builds them once from the [`Ports`] (so that they share one `TokenKeeper`, one
//! flight map and one task tracker) and hands each out; the HTTP layer keeps it as its one piece of state.
//! Each public use case first checks that the [`Caller`] may act for the user, and answers with a
//! [`ServiceError`] whose variants are what a caller branches on.

mod analytics_keeper;
mod authorize;
mod background;
mod caller;
mod calls;
mod config;
mod connections;
mod content_reads;
mod disconnect;
mod error;
mod lookup;
mod overview;
mod reauth_due;
mod refresh;
mod retention;
mod rotate_keys;
mod single_flight;
mod sync;
mod sync_flight;
mod tokens;
mod videos;
mod views;
mod webhook;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use tokio_util::task::TaskTracker;

pub use background::{BackgroundRounds, RefreshReport, SyncReport};
pub use caller::Caller;
pub use calls::Metered;
pub use config::{ContentConfig, ServiceConfig};
pub use connections::Connections;
pub use content_reads::{ContentReads, HistorySeries, DEFAULT_HISTORY_DAYS};
pub use error::ServiceError;
pub use overview::{AccountCounts, AccountOverview};
pub use retention::RETENTION_EVERY;
pub use rotate_keys::{KeyRotation, RotationReport};
pub use sync::AccountSync;
pub use tokens::TokenKeeper;
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

/// The use cases built once from the ports, sharing one [`TokenKeeper`] and one task tracker: the one piece of
/// state the HTTP layer keeps. Cheap to clone (every part is behind `Arc`s).
#[derive(Clone)]
pub struct AccountService {
    config: Arc<ServiceConfig>,
    connections: Connections,
    syncs: AccountSync,
    reads: ContentReads,
    rounds: BackgroundRounds,
    tasks: TaskTracker,
}

impl AccountService {
    /// Builds the use cases from their ports and settings. The TikTok ports are wrapped so that each call
    /// is counted for the request it is made for ([`Metered`]). The tasks the use cases leave running (a
    /// rotated pair being stored late, a sync shared by several requests) are owned by one tracker:
    /// [`AccountService::wait_for_tasks`] waits for them at shutdown.
    pub fn new(ports: Ports, config: ServiceConfig) -> Self {
        let Ports {
            accounts,
            content,
            states,
            oauth,
            data,
            cipher,
            clock,
            schedule,
        } = ports;
        let data: Arc<dyn TikTokData> = Arc::new(calls::Counted(data));
        let oauth: Arc<dyn TikTokOAuth> = Arc::new(calls::Counted(oauth));
        let config = Arc::new(config);
        let tasks = TaskTracker::new();
        let tokens = TokenKeeper {
            accounts: Arc::clone(&accounts),
            oauth: Arc::clone(&oauth),
            cipher: Arc::clone(&cipher),
            clock: Arc::clone(&clock),
            config: Arc::clone(&config),
            flights: Arc::new(single_flight::RefreshFlights::new()),
            tasks: tasks.clone(),
        };
        let analytics = analytics_keeper::AnalyticsKeeper {
            content: Arc::clone(&content),
            clock: Arc::clone(&clock),
            top_videos: config.content.top_videos,
        };
        let syncs = AccountSync {
            accounts: Arc::clone(&accounts),
            content: Arc::clone(&content),
            data: Arc::clone(&data),
            schedule: Arc::clone(&schedule),
            clock: Arc::clone(&clock),
            config: Arc::clone(&config),
            tokens: tokens.clone(),
            analytics: analytics.clone(),
            flights: Arc::default(),
            tasks: tasks.clone(),
        };
        let connections = Connections {
            accounts: Arc::clone(&accounts),
            content: Arc::clone(&content),
            states,
            oauth,
            data,
            cipher,
            clock: Arc::clone(&clock),
            config: Arc::clone(&config),
            tokens: tokens.clone(),
        };
        let reads = ContentReads {
            accounts: Arc::clone(&accounts),
            content: Arc::clone(&content),
            clock: Arc::clone(&clock),
            config: Arc::clone(&config),
            analytics,
        };
        let rounds = BackgroundRounds {
            accounts,
            content,
            schedule,
            clock,
            config: Arc::clone(&config),
            tokens,
            syncs: syncs.clone(),
            retention: Arc::default(),
        };
        Self {
            config,
            connections,
            syncs,
            reads,
            rounds,
            tasks,
        }
    }

    /// The settings the use cases run with.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// Connecting, disconnecting, TikTok's webhook.
    pub fn connections(&self) -> &Connections {
        &self.connections
    }

    /// Syncing from TikTok.
    pub fn syncs(&self) -> &AccountSync {
        &self.syncs
    }

    /// Reading what is stored.
    pub fn reads(&self) -> &ContentReads {
        &self.reads
    }

    /// The background rounds.
    pub fn rounds(&self) -> &BackgroundRounds {
        &self.rounds
    }

    /// Waits, up to `grace`, for the tasks the use cases left running (a rotated pair being stored late, a
    /// shared sync, a late lease release). Call at shutdown, after the server and the background rounds
    /// stopped; answers whether every task finished. New tasks may still start while it waits; they are
    /// waited for too.
    pub async fn wait_for_tasks(&self, grace: std::time::Duration) -> bool {
        self.tasks.close();
        let finished = tokio::time::timeout(grace, self.tasks.wait()).await.is_ok();
        self.tasks.reopen();
        if !finished {
            tracing::warn!(
                running = self.tasks.len(),
                "use-case tasks still running at shutdown"
            );
        }
        finished
    }
}

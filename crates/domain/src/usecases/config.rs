use chrono::Duration;

use crate::content::HistoryPeriod;
use crate::values::{RedirectUri, Scopes};

/// Settings of the use cases.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Used when `init` names no redirect URI (`TIKTOK_REDIRECT_URI`).
    pub default_redirect_uri: RedirectUri,
    /// Further URIs `init` accepts, byte for byte (`TIKTOK_ALLOWED_REDIRECT_URIS`).
    pub allowed_redirect_uris: Vec<RedirectUri>,
    /// The scopes asked for (`TIKTOK_SCOPES`).
    pub scopes: Scopes,
    /// How long a state stays usable (10 minutes by default).
    pub state_ttl: Duration,
    /// An access token that expires within this margin is refreshed before use (15 minutes by default,
    /// which suits both TikTok's 24-hour and its newer 2-hour tokens).
    pub refresh_margin: Duration,
    /// Whether to send a PKCE challenge (TikTok's hex S256 form).
    pub pkce: bool,
    /// A refresh token that expires within this window is shown as `reauth_due_at` in the status
    /// (14 days by default): the creator will have to reconnect then.
    pub reauth_warning: Duration,
    /// How long a refresh lease lasts (30 s by default). It must outlast a whole refresh (TikTok's request
    /// timeout plus the commit), or a slow holder could see its lease taken while it still refreshes.
    pub refresh_lease: Duration,
    /// How long a request waits for another's refresh of the same account before answering
    /// `AccountBusy` (5 s by default).
    pub refresh_wait: std::time::Duration,
    /// How often a request waiting for another replica's refresh reads the account again (50 ms by default).
    pub refresh_poll: std::time::Duration,
    /// How long a sync lease lasts (60 s by default): at most one sync per account runs at a time, across
    /// replicas. The running sync renews it every third of this; a holder that dies leaves it to expire.
    pub sync_lease: Duration,
    /// How long a request waits for a running sync of the same account (here or on another replica)
    /// before answering `AccountBusy` (503 with `Retry-After`; 60 s by default).
    pub sync_wait: std::time::Duration,
    /// Videos, history and analytics.
    pub content: ContentConfig,
}

/// Settings of the content sync, the history and the content endpoints (`[content]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentConfig {
    /// At most one snapshot per account and period (60 minutes by default).
    pub history_period: HistoryPeriod,
    /// Snapshots older than this are deleted (730 days by default).
    pub history_retention: Duration,
    /// A later sync stops paging once a whole page is older than this and unchanged (30 days by default).
    pub video_refresh_window: Duration,
    /// A complete listing (catching up old videos and detecting deletions) at least this often (24 hours).
    pub full_video_sync_every: Duration,
    /// Most video list pages one sync may request (300: 6,000 videos, and half of TikTok's 600 calls per
    /// minute, so one sync never exhausts the app's budget on its own).
    pub max_video_pages_per_sync: u32,
    /// Largest `limit` of the videos endpoint (100); larger values are capped.
    pub videos_max_limit: u32,
    /// How many top videos the metrics body shows (5).
    pub top_videos: u32,
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            history_period: HistoryPeriod::default(),
            history_retention: Duration::days(730),
            video_refresh_window: Duration::days(30),
            full_video_sync_every: Duration::hours(24),
            max_video_pages_per_sync: 300,
            videos_max_limit: 100,
            top_videos: 5,
        }
    }
}

impl ServiceConfig {
    /// Settings with the defaults above.
    pub fn new(default_redirect_uri: RedirectUri, scopes: Scopes) -> Self {
        Self {
            default_redirect_uri,
            allowed_redirect_uris: Vec::new(),
            scopes,
            state_ttl: Duration::minutes(10),
            refresh_margin: Duration::minutes(15),
            pkce: false,
            reauth_warning: Duration::days(14),
            refresh_lease: Duration::seconds(30),
            refresh_wait: std::time::Duration::from_secs(5),
            refresh_poll: std::time::Duration::from_millis(50),
            sync_lease: Duration::seconds(60),
            sync_wait: std::time::Duration::from_secs(60),
            content: ContentConfig::default(),
        }
    }

    /// The allowed URI equal, byte for byte, to `raw`; `None` when `raw` is on no list.
    pub fn allowed_redirect_uri(&self, raw: &str) -> Option<&RedirectUri> {
        std::iter::once(&self.default_redirect_uri)
            .chain(self.allowed_redirect_uris.iter())
            .find(|uri| uri.as_str() == raw)
    }
}

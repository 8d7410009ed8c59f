use chrono::Duration;

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
    /// `TikTokUnavailable` (5 s by default).
    pub refresh_wait: std::time::Duration,
    /// How often a request waiting for another replica's refresh reads the account again (50 ms by default).
    pub refresh_poll: std::time::Duration,
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
        }
    }

    /// The allowed URI equal, byte for byte, to `raw`; `None` when `raw` is on no list.
    pub fn allowed_redirect_uri(&self, raw: &str) -> Option<&RedirectUri> {
        std::iter::once(&self.default_redirect_uri)
            .chain(self.allowed_redirect_uris.iter())
            .find(|uri| uri.as_str() == raw)
    }
}

//! What the sandbox is started with: credentials, fake users, lifetimes and limits.

use std::time::Duration;

use serde::Serialize;

/// How a [`Sandbox`](crate::Sandbox) behaves. [`SandboxConfig::default`] gives the documented TikTok defaults.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; `0` lets the operating system pick a free one.
    pub port: u16,
    /// The only `client_key` the sandbox accepts.
    pub client_key: String,
    /// The only `client_secret` the sandbox accepts.
    pub client_secret: String,
    /// The app's name, shown on the consent page.
    pub app_name: String,
    /// The fake TikTok users; the first one authorizes unless `sandbox_user` names another.
    pub users: Vec<FakeUser>,
    /// `expires_in` of new access tokens (TikTok's older docs: 86400 s).
    pub access_token_ttl: Duration,
    /// `refresh_expires_in` of a new grant (TikTok's older docs: 31536000 s). Refreshing does not extend it.
    pub refresh_token_ttl: Duration,
    /// How long an authorization code stays good.
    pub code_ttl: Duration,
    /// Requests per endpoint in any sliding minute before the Display API answers 429.
    pub rate_limit_per_minute: u32,
    /// Redirect URIs the authorize page accepts; empty accepts any absolute `http(s)` URI.
    pub registered_redirect_uris: Vec<String>,
    /// TikTok Shop: app, seller, shops and lifetimes.
    pub shop: crate::shop::ShopSandboxConfig,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            client_key: "sbx_client_key".to_owned(),
            client_secret: "sbx_client_secret".to_owned(),
            app_name: "Creator Dashboard (development)".to_owned(),
            users: FakeUser::defaults(),
            access_token_ttl: Duration::from_secs(86_400),
            refresh_token_ttl: Duration::from_secs(31_536_000),
            code_ttl: Duration::from_secs(600),
            rate_limit_per_minute: 600,
            registered_redirect_uris: Vec::new(),
            shop: crate::shop::ShopSandboxConfig::default(),
        }
    }
}

impl SandboxConfig {
    /// The user with that username, if configured.
    pub fn user(&self, username: &str) -> Option<&FakeUser> {
        self.users.iter().find(|u| u.username == username)
    }
}

/// A fake TikTok user. Their videos are generated from the username, so the same config always serves the
/// same videos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FakeUser {
    /// `username`, also what `sandbox_user=` picks on the authorize page.
    pub username: String,
    /// `display_name`.
    pub display_name: String,
    /// `bio_description`.
    pub bio_description: String,
    /// `is_verified`.
    pub is_verified: bool,
    /// `follower_count`.
    pub follower_count: i64,
    /// `following_count`.
    pub following_count: i64,
    /// `likes_count`.
    pub likes_count: i64,
    /// How many public videos the user has; also their `video_count`.
    pub video_count: u32,
}

impl FakeUser {
    /// A user with that username and number of videos, and plausible counts derived from them.
    pub fn new(username: &str, video_count: u32) -> Self {
        let n = i64::from(video_count);
        Self {
            username: username.to_owned(),
            display_name: format!("Sandbox {username}"),
            bio_description: format!("I am {username}, a fake creator of the TikTok sandbox."),
            is_verified: false,
            follower_count: 1_000 + n * 37,
            following_count: 42 + n % 100,
            likes_count: n * 1_234,
            video_count,
        }
    }

    /// The default users: `sandbox_creator` (45 videos), `sandbox_newcomer` (none) and `sandbox_star`
    /// (5000 videos, verified).
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new("sandbox_creator", 45),
            Self::new("sandbox_newcomer", 0),
            Self {
                is_verified: true,
                ..Self::new("sandbox_star", 5_000)
            },
        ]
    }
}

use chrono::{DateTime, Utc};

use crate::account::{ConnectionState, DisconnectReason, TikTokAccount};
use crate::analytics::Analytics;
use crate::values::{AuthorizationCode, OAuthState, Scope, Scopes, UserId};

/// What `init` hands back: where to send the creator, and the state it carries.
#[derive(Debug, Clone)]
pub struct AuthorizationStart {
    /// TikTok's authorize URL.
    pub authorization_url: String,
    /// The state (also inside the URL).
    pub state: OAuthState,
    /// When the state stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// What TikTok's redirect brought back besides the state.
#[derive(Debug, Clone)]
pub enum CallbackOutcome {
    /// The creator agreed: the authorization code.
    Code(AuthorizationCode),
    /// The creator declined or was not eligible: TikTok's `error`.
    Denied {
        /// TikTok's `error` (e.g. `access_denied`).
        error: String,
    },
    /// Neither a code nor an error: a malformed callback. The state is spent all the same.
    Missing,
    /// A code that breaks the code rules (the reason says which). The state is spent all the same.
    Malformed {
        /// Why the code was refused; safe to show.
        reason: String,
    },
}

/// A user's connection as the status body shows it.
#[derive(Debug, Clone)]
pub struct ConnectionStatus {
    /// The product user.
    pub user_id: UserId,
    /// Connected, reauthorization required, or not connected.
    pub state: ConnectionState,
    /// The account, shown unless the state is not connected.
    pub account: Option<TikTokAccount>,
    /// Why the account was disconnected, when it was.
    pub disconnect_reason: Option<DisconnectReason>,
    /// When the refresh token expires, set only when that is within the warning window: the creator must
    /// reconnect by then.
    pub reauth_due_at: Option<DateTime<Utc>>,
}

impl ConnectionStatus {
    /// The status of a user with this account (or none).
    pub fn of(user_id: UserId, account: Option<TikTokAccount>) -> Self {
        match account {
            None => Self {
                user_id,
                state: ConnectionState::Disconnected,
                account: None,
                disconnect_reason: None,
                reauth_due_at: None,
            },
            Some(account) => {
                let state = account.state;
                let disconnect_reason = account.disconnect_reason;
                let account = (state != ConnectionState::Disconnected).then_some(account);
                Self {
                    user_id,
                    state,
                    account,
                    disconnect_reason,
                    reauth_due_at: None,
                }
            }
        }
    }

    /// Sets [`reauth_due_at`](Self::reauth_due_at) when the connected account's refresh token expires
    /// before `now + warning`.
    pub fn with_reauth_warning(mut self, now: DateTime<Utc>, warning: chrono::Duration) -> Self {
        self.reauth_due_at = self
            .account
            .as_ref()
            .filter(|a| a.state == ConnectionState::Connected)
            .and_then(|a| a.grant.as_ref())
            .map(|g| g.refresh_token_expires_at)
            .filter(|expires| *expires <= now + warning);
        self
    }

    /// Whether the account is usable now.
    pub fn connected(&self) -> bool {
        self.state == ConnectionState::Connected
    }

    /// What the service cannot keep for want of a scope the creator did not grant (empty without an
    /// account).
    pub fn missing_data(&self) -> Vec<MissingData> {
        self.account
            .as_ref()
            .map_or_else(Vec::new, |a| MissingData::for_scopes(&a.scopes))
    }
}

/// Data the service does not sync because the creator did not grant the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingData {
    /// `profile` (username), `stats` (the four counts, hence history and growth) or `videos` (videos,
    /// engagement, top videos).
    pub data: &'static str,
    /// The scope that would allow it.
    pub scope: &'static str,
}

impl MissingData {
    /// Which data each optional scope brings.
    const TABLE: [(&'static str, &'static str); 3] = [
        ("profile", Scope::USER_INFO_PROFILE),
        ("stats", Scope::USER_INFO_STATS),
        ("videos", Scope::VIDEO_LIST),
    ];

    /// The data missing under these granted scopes.
    pub fn for_scopes(granted: &Scopes) -> Vec<MissingData> {
        Self::TABLE
            .into_iter()
            .filter(|(_, scope)| !granted.contains(scope))
            .map(|(data, scope)| MissingData { data, scope })
            .collect()
    }
}

/// The stored counts of an account (the product's names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMetrics {
    /// The product user.
    pub user_id: UserId,
    /// Followers; `None` when never read (scope not granted, or no sync yet).
    pub follower_count: Option<i64>,
    /// Accounts followed.
    pub following_count: Option<i64>,
    /// Likes received (TikTok's `likes_count`).
    pub like_count: Option<i64>,
    /// Public videos.
    pub video_count: Option<i64>,
    /// When the counts were read.
    pub last_sync_at: Option<DateTime<Utc>>,
}

impl AccountMetrics {
    /// The metrics held in an account.
    pub fn of(account: &TikTokAccount) -> Self {
        Self {
            user_id: account.user_id.clone(),
            follower_count: account.profile.follower_count,
            following_count: account.profile.following_count,
            like_count: account.profile.like_count,
            video_count: account.profile.video_count,
            last_sync_at: account.last_sync_at,
        }
    }
}

/// The metrics body: the stored counts and the analytics computed from stored videos and history.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsReport {
    /// The stored counts.
    pub metrics: AccountMetrics,
    /// Growth, engagement, views and top videos.
    pub analytics: Analytics,
}

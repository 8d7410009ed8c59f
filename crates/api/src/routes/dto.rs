//! The JSON bodies of the contract.

use serde::Serialize;
use tiktok_domain::usecases::{AuthorizationStart, ConnectionStatus, MetricsReport};
use tiktok_domain::{ConnectionState, DisconnectReason, ReauthReason};
use utoipa::ToSchema;

use super::analytics_dto::{GrowthWindows, ViewsBody};
use super::content_dto::{MissingDataBody, VideoBody};
use super::timestamps::rfc3339;

/// The status body (also the body of a successful callback and of disconnect).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusBody {
    /// The product user.
    #[schema(example = "42")]
    pub user_id: String,
    /// True only when the status is `connected`.
    pub connected: bool,
    /// `not_connected`, `connected` or `reauth_required`.
    #[schema(example = "connected")]
    pub status: &'static str,
    /// The account; null when not connected.
    pub account: Option<AccountBody>,
    /// Why the account was disconnected by TikTok (`authorization.removed`): `user_disconnected`,
    /// `account_deleted`, `age_changed`, `account_banned`, `developer_revoked` or `unknown`. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_reason: Option<&'static str>,
    /// When the creator must reconnect (RFC 3339, UTC): the refresh token's expiry, present only when it is
    /// within `background.reauth_warning_days` (14 days by default). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-12-05T10:00:00Z")]
    pub reauth_due_at: Option<String>,
    /// What the service does not sync because the creator did not grant the scope it needs, e.g.
    /// `[{"data": "videos", "scope": "video.list"}]`; empty when nothing is missing or not connected.
    pub missing_data: Vec<MissingDataBody>,
    /// Why the creator must reconnect: `refresh_token_expired`, `access_revoked` (TikTok refused a grant
    /// that had not expired: the creator removed the app, or TikTok withdrew it), `scope_withdrawn` or
    /// `unknown`. Present only when the status is `reauth_required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "access_revoked")]
    pub reauth_reason: Option<&'static str>,
    /// The last sync that failed (the callback's first profile read, `POST sync`, or a background sync);
    /// null when the last sync succeeded, none failed since connecting, or not connected.
    pub last_sync_error: Option<SyncErrorBody>,
}

/// A failed sync: the contract's error code, a sentence, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncErrorBody {
    /// The contract's error code the sync failed with (`tiktok_unavailable`, `rate_limited`, …).
    #[schema(example = "tiktok_unavailable")]
    pub code: String,
    /// A sentence for people; never a secret.
    pub message: String,
    /// When it failed (RFC 3339, UTC).
    #[schema(example = "2026-12-04T10:00:00Z")]
    pub at: String,
}

/// The account part of the status body. Never a token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountBody {
    /// TikTok's `open_id`.
    pub tiktok_user_id: String,
    /// Handle (needs `user.info.profile`).
    pub username: Option<String>,
    /// Profile name.
    pub display_name: Option<String>,
    /// Profile image (a signed CDN link that may expire).
    pub avatar_url: Option<String>,
    /// Scopes the creator granted.
    pub scopes: Vec<String>,
    /// When the creator connected (RFC 3339, UTC).
    pub connected_at: String,
    /// When the last sync finished.
    pub last_sync_at: Option<String>,
}

impl From<ConnectionStatus> for StatusBody {
    fn from(status: ConnectionStatus) -> Self {
        let connected = status.connected();
        let missing_data = status
            .missing_data()
            .into_iter()
            .map(MissingDataBody::from)
            .collect();
        let reauth_reason = status
            .account
            .as_ref()
            .filter(|_| status.state == ConnectionState::ReauthRequired)
            .map(|a| a.reauth_reason.unwrap_or(ReauthReason::Unknown).as_str());
        let last_sync_error = status
            .account
            .as_ref()
            .and_then(|a| a.last_sync_error.as_ref())
            .map(|f| SyncErrorBody {
                code: f.code.clone(),
                message: f.message.clone(),
                at: rfc3339(f.at),
            });
        let account = status.account.map(|a| AccountBody {
            tiktok_user_id: a.tiktok_user_id.as_str().to_owned(),
            username: a.profile.username,
            display_name: a.profile.display_name,
            avatar_url: a.profile.avatar_url,
            scopes: a.scopes.names(),
            connected_at: rfc3339(a.connected_at),
            last_sync_at: a.last_sync_at.map(rfc3339),
        });
        // A disconnect asked through our own API has no TikTok reason to show.
        let disconnect_reason = status
            .disconnect_reason
            .filter(|r| *r != DisconnectReason::Requested)
            .map(DisconnectReason::as_str);
        Self {
            user_id: status.user_id.as_str().to_owned(),
            connected,
            status: status.state.as_str(),
            account,
            disconnect_reason,
            reauth_due_at: status.reauth_due_at.map(rfc3339),
            missing_data,
            reauth_reason,
            last_sync_error,
        }
    }
}

/// The body of `auth/init`.
#[derive(Debug, Serialize, ToSchema)]
pub struct InitBody {
    /// Where to send the creator.
    pub authorization_url: String,
    /// The state carried by the URL.
    pub state: String,
    /// When the state stops being accepted.
    pub expires_at: String,
}

impl From<AuthorizationStart> for InitBody {
    fn from(start: AuthorizationStart) -> Self {
        Self {
            authorization_url: start.authorization_url,
            state: start.state.as_str().to_owned(),
            expires_at: rfc3339(start.expires_at),
        }
    }
}

/// The metrics body (also the body of sync): the contract's counts, then the analytics computed from
/// stored videos and history. A number the data cannot support is null, never estimated.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsBody {
    /// The product user.
    pub user_id: String,
    /// Followers; null until read (or without `user.info.stats`).
    pub follower_count: Option<i64>,
    /// Accounts followed.
    pub following_count: Option<i64>,
    /// Likes received (TikTok's `likes_count`).
    pub like_count: Option<i64>,
    /// Public videos.
    pub video_count: Option<i64>,
    /// When the counts were read.
    pub last_sync_at: Option<String>,
    /// Follower growth over 1, 7 and 30 days, up to the latest snapshot. Growth, engagement, views and
    /// top videos are computed when a sync stores new data and kept until the next one.
    pub growth: GrowthWindows,
    /// `(likes + comments + shares) / views` over the videos posted in the 30 days before the last sync
    /// (a fraction: 0.0523 is 5.23 %); null without such a video or without views.
    pub engagement_rate_30d: Option<f64>,
    /// Views over every stored video.
    pub views: ViewsBody,
    /// The most viewed stored videos.
    pub top_videos: Vec<VideoBody>,
    /// When the videos were last synced; null before the first video sync (or without `video.list`).
    pub videos_synced_at: Option<String>,
}

impl From<MetricsReport> for MetricsBody {
    fn from(report: MetricsReport) -> Self {
        let (m, a) = (report.metrics, report.analytics);
        Self {
            user_id: m.user_id.as_str().to_owned(),
            follower_count: m.follower_count,
            following_count: m.following_count,
            like_count: m.like_count,
            video_count: m.video_count,
            last_sync_at: m.last_sync_at.map(rfc3339),
            growth: GrowthWindows::of(&a),
            engagement_rate_30d: a.engagement_rate_30d,
            views: ViewsBody {
                total: a.views_total,
                average: a.views_average,
            },
            videos_synced_at: a.videos_synced_at.map(rfc3339),
            top_videos: a.top_videos.into_iter().map(VideoBody::from).collect(),
        }
    }
}

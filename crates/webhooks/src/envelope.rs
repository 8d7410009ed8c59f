use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The body of every delivery and of every feed entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// `evt_<ULID>`: unique, equal to `webhook-id`, the same on every retry and replay.
    pub id: String,
    /// `tiktok.account.connected`, … (see [`types`]).
    #[serde(rename = "type")]
    pub event_type: String,
    /// The product's user whose connection this is.
    pub user_id: String,
    /// When the change happened.
    pub occurred_at: DateTime<Utc>,
    /// Per type; read with [`Envelope::data_as`].
    pub data: serde_json::Value,
}

impl Envelope {
    /// Parses a verified body.
    ///
    /// # Errors
    /// The body is not an envelope.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The `data` object as one of the typed data structs.
    ///
    /// # Errors
    /// `data` does not have that type's shape.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.data)
    }
}

/// The event type names.
pub mod types {
    /// A creator connected a TikTok account.
    pub const CONNECTED: &str = "tiktok.account.connected";
    /// The connection ended.
    pub const DISCONNECTED: &str = "tiktok.account.disconnected";
    /// The creator must sign in again.
    pub const REAUTH_REQUIRED: &str = "tiktok.account.reauth_required";
    /// The refresh token expires soon.
    pub const REAUTH_DUE: &str = "tiktok.account.reauth_due";
    /// Fresh counts were stored.
    pub const SYNCED: &str = "tiktok.account.synced";
}

/// `data` of `tiktok.account.connected`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedData {
    /// TikTok scopes granted.
    pub scopes: Vec<String>,
}

/// `data` of `tiktok.account.disconnected` and `tiktok.account.reauth_required`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonData {
    /// `user_request`, `purged`, TikTok's `disconnect_reason`, or the status body's `reauth_reason`.
    pub reason: String,
}

/// `data` of `tiktok.account.reauth_due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReauthDueData {
    /// When the refresh token expires.
    pub reauth_due_at: DateTime<Utc>,
}

/// The four counts (`data` of `tiktok.account.synced`, and its `changes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Followers.
    pub follower_count: i64,
    /// Accounts followed.
    pub following_count: i64,
    /// Likes over all videos.
    pub like_count: i64,
    /// Public videos.
    pub video_count: i64,
}

/// `data` of `tiktok.account.synced`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedData {
    /// The counts now stored.
    #[serde(flatten)]
    pub counts: Counts,
    /// When the sync finished.
    pub synced_at: DateTime<Utc>,
    /// Each count's difference from the previous sync; `None` on the first sync.
    pub changes: Option<Counts>,
}

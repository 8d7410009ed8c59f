use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::EventId;
use crate::account::{DisconnectReason, ReauthReason};
use crate::values::UserId;

/// The kinds of event, by the name consumers see in `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A creator connected (or reconnected) a TikTok account.
    Connected,
    /// The connection ended: asked by the creator, purged, or removed by TikTok.
    Disconnected,
    /// The connection can no longer be used until the creator signs in again.
    ReauthRequired,
    /// The refresh token expires within the warning window (once per grant).
    ReauthDue,
    /// A sync stored fresh counts.
    Synced,
}

impl EventType {
    /// Every type, in documentation order.
    pub const ALL: [EventType; 5] = [
        EventType::Connected,
        EventType::Disconnected,
        EventType::ReauthRequired,
        EventType::ReauthDue,
        EventType::Synced,
    ];

    /// The wire name (`tiktok.account.connected`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Connected => "tiktok.account.connected",
            EventType::Disconnected => "tiktok.account.disconnected",
            EventType::ReauthRequired => "tiktok.account.reauth_required",
            EventType::ReauthDue => "tiktok.account.reauth_due",
            EventType::Synced => "tiktok.account.synced",
        }
    }

    /// Reads a wire name back (a stored row, a `type=` filter, a configured subscription).
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }
}

/// Why a connection ended, as `data.reason` of `tiktok.account.disconnected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectCause {
    /// The creator disconnected through this service (`user_request`).
    UserRequest,
    /// The account's data was erased (`purged`).
    Purged,
    /// TikTok removed the authorization; the reason is the status body's `disconnect_reason`.
    TikTok(DisconnectReason),
}

impl DisconnectCause {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectCause::UserRequest => "user_request",
            DisconnectCause::Purged => "purged",
            // `Requested` is this service's own stored name for a user's request, never TikTok's.
            DisconnectCause::TikTok(DisconnectReason::Requested) => "user_request",
            DisconnectCause::TikTok(reason) => reason.as_str(),
        }
    }

    /// The `disconnect_reason` the account row keeps (and the status body shows): `requested` for the
    /// creator's own request and for an erasure (which starts with one), TikTok's reason otherwise.
    pub fn stored_reason(self) -> DisconnectReason {
        match self {
            DisconnectCause::UserRequest | DisconnectCause::Purged => DisconnectReason::Requested,
            DisconnectCause::TikTok(reason) => reason,
        }
    }
}

/// The four counts the status body shows, as of one sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountCounts {
    /// Followers.
    pub follower_count: i64,
    /// Accounts followed.
    pub following_count: i64,
    /// Likes over all videos (TikTok's `likes_count`).
    pub like_count: i64,
    /// Public videos.
    pub video_count: i64,
}

impl AccountCounts {
    fn fields(&self) -> [(&'static str, i64); 4] {
        [
            ("follower_count", self.follower_count),
            ("following_count", self.following_count),
            ("like_count", self.like_count),
            ("video_count", self.video_count),
        ]
    }
}

/// What an event says, per type. Nothing here may carry a token, a code or a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventData {
    /// `tiktok.account.connected`: the scopes granted.
    Connected {
        /// TikTok's scopes granted, as TikTok spells them.
        scopes: Vec<String>,
    },
    /// `tiktok.account.disconnected`.
    Disconnected {
        /// Why.
        reason: DisconnectCause,
    },
    /// `tiktok.account.reauth_required`.
    ReauthRequired {
        /// The status body's `reauth_reason`.
        reason: ReauthReason,
    },
    /// `tiktok.account.reauth_due`.
    ReauthDue {
        /// When the refresh token expires; the creator must sign in again before then.
        reauth_due_at: DateTime<Utc>,
    },
    /// `tiktok.account.synced`.
    Synced {
        /// The counts now stored.
        counts: AccountCounts,
        /// The counts the previous sync stored (`None` on the first sync).
        previous: Option<AccountCounts>,
        /// When the sync finished.
        synced_at: DateTime<Utc>,
    },
}

impl EventData {
    /// The type this data belongs to.
    pub fn event_type(&self) -> EventType {
        match self {
            EventData::Connected { .. } => EventType::Connected,
            EventData::Disconnected { .. } => EventType::Disconnected,
            EventData::ReauthRequired { .. } => EventType::ReauthRequired,
            EventData::ReauthDue { .. } => EventType::ReauthDue,
            EventData::Synced { .. } => EventType::Synced,
        }
    }

    /// The `data` object (documented per type in docs/events.md, with a JSON Schema in docs/events/).
    pub fn to_json(&self) -> Value {
        match self {
            EventData::Connected { scopes } => json!({ "scopes": scopes }),
            EventData::Disconnected { reason } => json!({ "reason": reason.as_str() }),
            EventData::ReauthRequired { reason } => json!({ "reason": reason.as_str() }),
            EventData::ReauthDue { reauth_due_at } => {
                json!({ "reauth_due_at": rfc3339(*reauth_due_at) })
            }
            EventData::Synced {
                counts,
                previous,
                synced_at,
            } => {
                let mut data = Map::new();
                for (name, value) in counts.fields() {
                    data.insert(name.to_owned(), json!(value));
                }
                data.insert("synced_at".to_owned(), json!(rfc3339(*synced_at)));
                // What changed since the previous sync: the difference of each count, `null` on the
                // first sync (nothing to compare with).
                let changes = previous.map(|before| {
                    let mut changes = Map::new();
                    for ((name, now), (_, then)) in counts.fields().into_iter().zip(before.fields())
                    {
                        changes.insert(name.to_owned(), json!(now - then));
                    }
                    Value::Object(changes)
                });
                data.insert("changes".to_owned(), changes.unwrap_or(Value::Null));
                Value::Object(data)
            }
        }
    }
}

/// One event: what happened to whose connection, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique, the same on every delivery attempt (`webhook-id`).
    pub id: EventId,
    /// The product's user the connection belongs to.
    pub user_id: UserId,
    /// When the change happened (the transaction's clock).
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub data: EventData,
}

impl Event {
    /// A new event with a fresh id, happening at `occurred_at`.
    pub fn new(user_id: UserId, occurred_at: DateTime<Utc>, data: EventData) -> Self {
        Self {
            id: EventId::generate(occurred_at),
            user_id,
            occurred_at,
            data,
        }
    }

    /// The event's type.
    pub fn event_type(&self) -> EventType {
        self.data.event_type()
    }

    /// The envelope as JSON: `{"id", "type", "user_id", "occurred_at", "data"}`. The outbox stores this
    /// text and every delivery sends it byte for byte, so that a signature computed once stays valid.
    pub fn envelope_json(&self) -> String {
        json!({
            "id": self.id.as_str(),
            "type": self.event_type().as_str(),
            "user_id": self.user_id.as_str(),
            "occurred_at": rfc3339(self.occurred_at),
            "data": self.data.to_json(),
        })
        .to_string()
    }
}

/// RFC 3339 in UTC with a `Z` and milliseconds, as every time in the envelope is written.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

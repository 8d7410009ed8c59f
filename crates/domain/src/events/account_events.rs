//! Which event each account change reports, and what it says. The storage adapter writes the event these
//! build in the transaction of the change (only when the change happened), so the domain decides the
//! content and storage only the moment.

use chrono::{DateTime, Utc};

use super::{AccountCounts, DisconnectCause, Event, EventData};
use crate::account::{NewConnection, Profile, ReauthReason};
use crate::values::UserId;

/// `tiktok.account.connected` for a stored authorization: the scopes granted, nothing of the tokens.
pub fn connected(connection: &NewConnection) -> Event {
    Event::new(
        connection.user_id.clone(),
        connection.connected_at,
        EventData::Connected {
            scopes: connection.grant.scopes.names(),
        },
    )
}

/// `tiktok.account.disconnected` with why.
pub fn disconnected(user_id: &UserId, cause: DisconnectCause, at: DateTime<Utc>) -> Event {
    Event::new(
        user_id.clone(),
        at,
        EventData::Disconnected { reason: cause },
    )
}

/// `tiktok.account.reauth_required` with the status body's `reauth_reason`.
pub fn reauth_required(user_id: &UserId, reason: ReauthReason, at: DateTime<Utc>) -> Event {
    Event::new(user_id.clone(), at, EventData::ReauthRequired { reason })
}

/// `tiktok.account.reauth_due`: the refresh token expires at `reauth_due_at`, within the warning window.
pub fn reauth_due(user_id: &UserId, reauth_due_at: DateTime<Utc>, at: DateTime<Utc>) -> Event {
    Event::new(user_id.clone(), at, EventData::ReauthDue { reauth_due_at })
}

/// `tiktok.account.synced`: the counts `profile` stores, and `previous`, those of the previous sync
/// (`None` on the first one). A count TikTok did not send (its scope not granted) is reported as 0.
pub fn synced(
    user_id: &UserId,
    profile: &Profile,
    previous: Option<AccountCounts>,
    synced_at: DateTime<Utc>,
) -> Event {
    Event::new(
        user_id.clone(),
        synced_at,
        EventData::Synced {
            counts: counts_of(profile),
            previous,
            synced_at,
        },
    )
}

/// The four counts of a profile, 0 where TikTok sent none.
pub fn counts_of(profile: &Profile) -> AccountCounts {
    AccountCounts::from_stored(
        profile.follower_count,
        profile.following_count,
        profile.like_count,
        profile.video_count,
    )
}

impl AccountCounts {
    /// The counts as stored (each may be missing: its scope not granted), 0 where missing.
    pub fn from_stored(
        follower_count: Option<i64>,
        following_count: Option<i64>,
        like_count: Option<i64>,
        video_count: Option<i64>,
    ) -> Self {
        Self {
            follower_count: follower_count.unwrap_or(0),
            following_count: following_count.unwrap_or(0),
            like_count: like_count.unwrap_or(0),
            video_count: video_count.unwrap_or(0),
        }
    }
}

//! The `TikTokAccount` entity and what the use cases read from it.

use chrono::{DateTime, Utc};

use crate::values::{OpenId, Scopes, UserId};

/// A token sealed by the [`TokenCipher`](crate::ports::TokenCipher): opaque text holding the key id,
/// the nonce and the ciphertext. Storage keeps it as it is and can do nothing else with it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedToken(String);

impl SealedToken {
    /// Wraps the cipher's output, or a value read back from storage.
    pub fn new(sealed: String) -> Self {
        Self(sealed)
    }

    /// The sealed text, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealedToken(..)")
    }
}

/// Which column of an account a sealed token belongs to; part of the cipher's associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The `access_token` column.
    Access,
    /// The `refresh_token` column.
    Refresh,
    /// The PKCE verifier kept with a pending authorization.
    CodeVerifier,
    /// A TikTok Shop seller's access token (`tiktok_shop_connections.access_token`).
    ShopAccess,
    /// A TikTok Shop seller's refresh token (`tiktok_shop_connections.refresh_token`).
    ShopRefresh,
    /// A shop's `cipher` (`tiktok_shop_shops.cipher`; the owner is `<user_id>/<shop_id>`).
    ShopCipher,
}

impl TokenKind {
    /// The column name, as bound into the associated data.
    pub fn column(self) -> &'static str {
        match self {
            TokenKind::Access => "access_token",
            TokenKind::Refresh => "refresh_token",
            TokenKind::CodeVerifier => "code_verifier",
            TokenKind::ShopAccess => "shop_access_token",
            TokenKind::ShopRefresh => "shop_refresh_token",
            TokenKind::ShopCipher => "shop_cipher",
        }
    }
}

/// The stored grant: both tokens sealed, with their expiry instants.
///
/// TikTok answers with lifetimes in seconds (`expires_in`, `refresh_expires_in`); they are turned into
/// absolute instants at receipt. The product's schema calls these `access_token_expire_in` and
/// `refresh_token_expire_in`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGrant {
    /// The sealed access token.
    pub access_token: SealedToken,
    /// The sealed refresh token (the newest one: TikTok rotates them).
    pub refresh_token: SealedToken,
    /// When the access token stops working.
    pub access_token_expires_at: DateTime<Utc>,
    /// When the refresh token stops working; after it the creator must reconnect.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The scopes TikTok says this grant carries.
    pub scopes: Scopes,
}

/// The state of a connection, as the status body names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// Tokens are held and TikTok accepted them last time.
    Connected,
    /// TikTok no longer accepts the grant (refresh refused, revoked, scope withdrawn): the creator must reconnect.
    ReauthRequired,
    /// Disconnected here or at TikTok; no token is held.
    Disconnected,
}

impl ConnectionState {
    /// The name stored in the database and shown in the status body.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionState::Connected => "connected",
            ConnectionState::ReauthRequired => "reauth_required",
            ConnectionState::Disconnected => "not_connected",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "connected" => Some(ConnectionState::Connected),
            "reauth_required" => Some(ConnectionState::ReauthRequired),
            "not_connected" => Some(ConnectionState::Disconnected),
            _ => None,
        }
    }
}

/// Why an account was disconnected, as TikTok's `authorization.removed` event or our own API says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectReason {
    /// TikTok reason 0, or a reason we do not know.
    Unknown,
    /// TikTok reason 1: the creator removed the app in TikTok.
    UserDisconnected,
    /// TikTok reason 2: the TikTok account was deleted.
    AccountDeleted,
    /// TikTok reason 3: the creator's age changed.
    AgeChanged,
    /// TikTok reason 4: the TikTok account was banned.
    AccountBanned,
    /// TikTok reason 5: the developer revoked the authorization.
    DeveloperRevoked,
    /// The creator disconnected through our own API.
    Requested,
}

impl DisconnectReason {
    /// The name stored and shown as `disconnect_reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::Unknown => "unknown",
            DisconnectReason::UserDisconnected => "user_disconnected",
            DisconnectReason::AccountDeleted => "account_deleted",
            DisconnectReason::AgeChanged => "age_changed",
            DisconnectReason::AccountBanned => "account_banned",
            DisconnectReason::DeveloperRevoked => "developer_revoked",
            DisconnectReason::Requested => "requested",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            DisconnectReason::Unknown,
            DisconnectReason::UserDisconnected,
            DisconnectReason::AccountDeleted,
            DisconnectReason::AgeChanged,
            DisconnectReason::AccountBanned,
            DisconnectReason::DeveloperRevoked,
            DisconnectReason::Requested,
        ]
        .into_iter()
        .find(|r| r.as_str() == raw)
    }

    /// TikTok's numeric reason of `authorization.removed` (0 to 5; anything else is unknown).
    pub fn from_tiktok_code(code: i64) -> Self {
        match code {
            1 => DisconnectReason::UserDisconnected,
            2 => DisconnectReason::AccountDeleted,
            3 => DisconnectReason::AgeChanged,
            4 => DisconnectReason::AccountBanned,
            5 => DisconnectReason::DeveloperRevoked,
            _ => DisconnectReason::Unknown,
        }
    }
}

/// Why TikTok no longer accepts a grant, kept when an account is marked `reauth_required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReauthReason {
    /// The refresh token reached the expiry TikTok gave it.
    RefreshTokenExpired,
    /// TikTok refused a refresh token that had not expired: the grant was revoked (the creator removed
    /// the app in TikTok, or TikTok withdrew it).
    AccessRevoked,
    /// TikTok says a scope the service uses is no longer granted (`scope_not_authorized`).
    ScopeWithdrawn,
    /// Anything else (a stored token that no longer opens, …).
    Unknown,
}

impl ReauthReason {
    /// The name stored and shown as `reauth_reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReauthReason::RefreshTokenExpired => "refresh_token_expired",
            ReauthReason::AccessRevoked => "access_revoked",
            ReauthReason::ScopeWithdrawn => "scope_withdrawn",
            ReauthReason::Unknown => "unknown",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            ReauthReason::RefreshTokenExpired,
            ReauthReason::AccessRevoked,
            ReauthReason::ScopeWithdrawn,
            ReauthReason::Unknown,
        ]
        .into_iter()
        .find(|r| r.as_str() == raw)
    }
}

/// The last sync that failed: the contract's error code, a sentence without secrets, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFailure {
    /// The contract's error code (`tiktok_unavailable`, `rate_limited`, …).
    pub code: String,
    /// A sentence for people; never a secret.
    pub message: String,
    /// When the sync failed.
    pub at: DateTime<Utc>,
}

/// The creator's public profile and counts as last read from TikTok. A field is `None` when TikTok did not
/// send it, mostly because the creator did not grant the scope it needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// `union_id`: the creator's id across this developer's apps.
    pub union_id: Option<String>,
    /// `username` (needs `user.info.profile`).
    pub username: Option<String>,
    /// `display_name`.
    pub display_name: Option<String>,
    /// `avatar_url`; a signed CDN link that may expire.
    pub avatar_url: Option<String>,
    /// `follower_count` (needs `user.info.stats`).
    pub follower_count: Option<i64>,
    /// `following_count` (needs `user.info.stats`).
    pub following_count: Option<i64>,
    /// TikTok's `likes_count`, the product's `like_count` (needs `user.info.stats`).
    pub like_count: Option<i64>,
    /// `video_count` (needs `user.info.stats`).
    pub video_count: Option<i64>,
}

/// Which connection of a product user's account a sync works for: new at every connect (a random value,
/// so it never repeats, not even after the row was erased and created again), gone once the account is
/// disconnected or erased. Every write of a sync carries the generation of the account it read, and
/// storage refuses it, writing nothing, unless the user's active account still has that generation: so
/// nothing of an ended connection is ever written after a disconnect, purge or reconnect.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectionGeneration(String);

impl ConnectionGeneration {
    /// A fresh generation of 128 random bits (22 base62 characters) from a CSPRNG.
    pub fn generate() -> Self {
        Self(crate::values::random_token(22))
    }

    /// Wraps a value read back from storage.
    pub fn new(raw: String) -> Self {
        Self(raw)
    }

    /// The value, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A creator's TikTok connection, one row per product user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TikTokAccount {
    /// Storage's id of the row.
    pub id: i64,
    /// The product user who connected the account.
    pub user_id: UserId,
    /// TikTok's `open_id` for this app (the product's `tiktok_user_id`).
    pub tiktok_user_id: OpenId,
    /// The last known profile and counts.
    pub profile: Profile,
    /// The grant; `None` once disconnected.
    pub grant: Option<StoredGrant>,
    /// The scopes last granted (kept after disconnect, to show what the creator had allowed).
    pub scopes: Scopes,
    /// Connected, reauthorization required, or disconnected.
    pub state: ConnectionState,
    /// Why the account was disconnected, when it was.
    pub disconnect_reason: Option<DisconnectReason>,
    /// When the last successful sync finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Why TikTok stopped accepting the grant; set with `reauth_required`, cleared on reconnect.
    pub reauth_reason: Option<ReauthReason>,
    /// The last sync that failed; cleared by the next successful one and on reconnect.
    pub last_sync_error: Option<SyncFailure>,
    /// When the creator last connected.
    pub connected_at: DateTime<Utc>,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
    /// The current connection's generation; `None` once disconnected (see [`ConnectionGeneration`]).
    pub generation: Option<ConnectionGeneration>,
}

impl TikTokAccount {
    /// The product's `is_active`: the account is connected, even if TikTok now wants a reauthorization.
    pub fn is_active(&self) -> bool {
        self.state != ConnectionState::Disconnected
    }
}

/// What a completed authorization stores: the row is created, or the user's existing row reused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    /// The product user.
    pub user_id: UserId,
    /// TikTok's `open_id` from the token answer.
    pub tiktok_user_id: OpenId,
    /// The sealed grant.
    pub grant: StoredGrant,
    /// When the connection was made.
    pub connected_at: DateTime<Utc>,
    /// The new connection's generation ([`ConnectionGeneration::generate`]); replaces the previous one.
    pub generation: ConnectionGeneration,
}

//! The stored seller connection: who the seller is, the sealed grant, the shops and how far each is synced.

use chrono::{DateTime, Utc};

use crate::account::{ConnectionGeneration, SealedToken};
use crate::values::UserId;

/// The state of a seller connection, as the status body names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopConnectionState {
    /// Tokens are held and TikTok accepted them last time.
    Connected,
    /// TikTok no longer accepts the grant (refresh token expired, `105001`): the seller must authorize again.
    ReauthRequired,
    /// Disconnected here, or deauthorized by the seller; no token is held.
    NotConnected,
}

impl ShopConnectionState {
    /// The name stored and shown as `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShopConnectionState::Connected => "connected",
            ShopConnectionState::ReauthRequired => "reauth_required",
            ShopConnectionState::NotConnected => "not_connected",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            ShopConnectionState::Connected,
            ShopConnectionState::ReauthRequired,
            ShopConnectionState::NotConnected,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// Why a seller connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopDisconnectReason {
    /// The user disconnected through our API.
    Requested,
    /// TikTok's webhook type 6: the seller removed the app in Seller Center.
    SellerDeauthorized,
}

impl ShopDisconnectReason {
    /// The name stored and shown as `disconnect_reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShopDisconnectReason::Requested => "requested",
            ShopDisconnectReason::SellerDeauthorized => "seller_deauthorized",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            ShopDisconnectReason::Requested,
            ShopDisconnectReason::SellerDeauthorized,
        ]
        .into_iter()
        .find(|r| r.as_str() == raw)
    }
}

/// The seller as TikTok's token answer describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    /// `open_id`.
    pub open_id: String,
    /// `seller_name`.
    pub seller_name: String,
    /// `seller_base_region`.
    pub seller_base_region: String,
}

/// The stored grant: both tokens sealed (bound to the user's row and their column), expiries as instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedShopGrant {
    /// The sealed access token.
    pub access_token: SealedToken,
    /// The sealed refresh token (the newest: a refresh may rotate it).
    pub refresh_token: SealedToken,
    /// When the access token stops working (TikTok's absolute `access_token_expire_in`).
    pub access_expires_at: DateTime<Utc>,
    /// When the refresh token stops working (TikTok's absolute `refresh_token_expire_in`).
    pub refresh_expires_at: DateTime<Utc>,
}

/// A shop to store: TikTok's description with its cipher sealed (bound to `<user_id>/<shop_id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedShop {
    /// The shop id (digits beyond 2^53, kept as text).
    pub id: String,
    /// `name`.
    pub name: String,
    /// `region`.
    pub region: String,
    /// `seller_type`.
    pub seller_type: String,
    /// `code`.
    pub code: String,
    /// The sealed `cipher`.
    pub cipher: SealedToken,
}

/// A stored shop and how far it is synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredShop {
    /// The shop id.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `region`.
    pub region: String,
    /// `seller_type`.
    pub seller_type: String,
    /// `code`.
    pub code: String,
    /// The sealed cipher; `None` once the connection ended.
    pub cipher: Option<SealedToken>,
    /// Whether TikTok still lists the shop for this grant (a shop that disappeared is kept, not synced).
    pub authorized: bool,
    /// Orders updated before this second (epoch) are stored.
    pub orders_synced_until: Option<i64>,
    /// Products updated before this second (epoch) are stored.
    pub products_synced_until: Option<i64>,
}

/// A product user's seller connection, one per user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopAccount {
    /// The product user.
    pub user_id: UserId,
    /// The seller.
    pub seller: Seller,
    /// `granted_scopes` of the last grant.
    pub granted_scopes: Vec<String>,
    /// Connected, reauthorization required, or not connected.
    pub state: ShopConnectionState,
    /// The grant; `None` once disconnected or marked for reauthorization.
    pub grant: Option<SealedShopGrant>,
    /// The shops, by id.
    pub shops: Vec<StoredShop>,
    /// When the seller last connected.
    pub connected_at: DateTime<Utc>,
    /// When the last sync finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// When TikTok says the authorization expires (webhook type 7); cleared on reconnect.
    pub reauth_due_at: Option<DateTime<Utc>>,
    /// Why the connection ended, when it did.
    pub disconnect_reason: Option<ShopDisconnectReason>,
    /// The current connection's generation; `None` once disconnected. Every write of a sync is fenced
    /// by it (see [`ConnectionGeneration`]).
    pub generation: Option<ConnectionGeneration>,
}

/// What a completed authorization stores: the user's row is created or reused (grant, seller and shops
/// replaced, `connected`, reason and `reauth_due_at` cleared, lease freed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShopConnection {
    /// The product user.
    pub user_id: UserId,
    /// The seller.
    pub seller: Seller,
    /// `granted_scopes`.
    pub granted_scopes: Vec<String>,
    /// The sealed grant.
    pub grant: SealedShopGrant,
    /// The authorized shops, ciphers sealed.
    pub shops: Vec<SealedShop>,
    /// When.
    pub connected_at: DateTime<Utc>,
    /// The new connection's generation.
    pub generation: ConnectionGeneration,
}

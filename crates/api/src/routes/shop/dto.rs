//! The Shop status and init bodies. Never a token, the app secret or a shop `cipher`: the domain's views
//! carry none, and these bodies are built from them field by field.

use serde::Serialize;
use tiktok_domain::shop::{ShopAuthorizationStart, ShopConnectionState, ShopStatus};
use utoipa::ToSchema;

use crate::routes::timestamps::rfc3339;

/// The Shop status body (also the body of a successful callback and of disconnect).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopStatusBody {
    /// The product user.
    #[schema(example = "42")]
    pub user_id: String,
    /// True only when the status is `connected` (as for the TikTok account).
    pub connected: bool,
    /// `not_connected`, `connected` or `reauth_required`.
    #[schema(example = "connected")]
    pub status: &'static str,
    /// The seller; null when the user never connected (or purged).
    pub seller: Option<ShopSellerBody>,
    /// The shops still authorized (never their cipher).
    pub shops: Vec<ShopSummaryBody>,
    /// The scopes TikTok Shop granted.
    pub granted_scopes: Vec<String>,
    /// When the seller connected (RFC 3339, UTC); null when never connected.
    pub connected_at: Option<String>,
    /// When the last sync finished; null before the first.
    pub last_sync_at: Option<String>,
    /// When TikTok Shop says the authorization expires (webhook type 7). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-12-20T00:00:00Z")]
    pub reauth_due_at: Option<String>,
    /// Why the connection ended: `requested` (disconnect) or `seller_deauthorized` (the seller removed the
    /// app in Seller Center, webhook type 6). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "seller_deauthorized")]
    pub disconnect_reason: Option<&'static str>,
}

/// The seller, as TikTok Shop's token answer describes them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopSellerBody {
    /// The seller's `open_id`.
    pub open_id: String,
    /// `seller_name`.
    pub seller_name: String,
    /// `seller_base_region`, e.g. `GB`.
    #[schema(example = "GB")]
    pub seller_base_region: String,
}

/// One authorized shop.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopSummaryBody {
    /// The shop id (digits beyond 2^53, as a string).
    #[schema(example = "7000714532876273420")]
    pub shop_id: String,
    /// `name`.
    pub name: String,
    /// `region`, e.g. `GB`.
    pub region: String,
    /// `CROSS_BORDER` or `LOCAL`.
    #[schema(example = "LOCAL")]
    pub seller_type: String,
    /// The shop's `code`.
    pub code: String,
}

impl From<ShopStatus> for ShopStatusBody {
    fn from(status: ShopStatus) -> Self {
        Self {
            user_id: status.user_id.as_str().to_owned(),
            connected: status.status == ShopConnectionState::Connected,
            status: status.status.as_str(),
            seller: status.seller.map(|s| ShopSellerBody {
                open_id: s.open_id,
                seller_name: s.seller_name,
                seller_base_region: s.seller_base_region,
            }),
            shops: status
                .shops
                .into_iter()
                .map(|s| ShopSummaryBody {
                    shop_id: s.shop_id,
                    name: s.name,
                    region: s.region,
                    seller_type: s.seller_type,
                    code: s.code,
                })
                .collect(),
            granted_scopes: status.granted_scopes,
            connected_at: status.connected_at.map(rfc3339),
            last_sync_at: status.last_sync_at.map(rfc3339),
            reauth_due_at: status.reauth_due_at.map(rfc3339),
            disconnect_reason: status.disconnect_reason.map(|r| r.as_str()),
        }
    }
}

/// The body of `auth/init`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopInitBody {
    /// Where to send the seller: TikTok Shop's authorize page
    /// (`…/open/authorize?service_id=…&state=…`). TikTok Shop sends them back to the redirect configured at
    /// Partner Center with `code` and `state`, which the dashboard passes to `auth/callback`.
    #[schema(example = "https://services.tiktokshop.com/open/authorize?service_id=7123&state=…")]
    pub authorization_url: String,
    /// When the state expires (RFC 3339, UTC).
    pub expires_at: String,
}

impl From<ShopAuthorizationStart> for ShopInitBody {
    fn from(start: ShopAuthorizationStart) -> Self {
        Self {
            authorization_url: start.authorization_url,
            expires_at: rfc3339(start.expires_at),
        }
    }
}

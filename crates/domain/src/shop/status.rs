//! The status view of a seller connection, and its read.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::connect::authorize;
use super::{
    Seller, ShopAccount, ShopConnectionState, ShopConnections, ShopDisconnectReason, ShopError,
};
use crate::usecases::Caller;
use crate::values::UserId;

/// A shop as the status body shows it (never its cipher).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopSummary {
    /// `shop_id`.
    pub shop_id: String,
    /// `name`.
    pub name: String,
    /// `region`.
    pub region: String,
    /// `seller_type`.
    pub seller_type: String,
    /// `code`.
    pub code: String,
}

/// The status body of `GET status/{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopStatus {
    /// The product user.
    pub user_id: UserId,
    /// `connected`, `not_connected` or `reauth_required`.
    pub status: ShopConnectionState,
    /// The seller; `None` when the user never connected.
    pub seller: Option<Seller>,
    /// The shops still authorized.
    pub shops: Vec<ShopSummary>,
    /// `granted_scopes`.
    pub granted_scopes: Vec<String>,
    /// When the seller connected.
    pub connected_at: Option<DateTime<Utc>>,
    /// When the last sync finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// When TikTok says the authorization expires (webhook type 7).
    pub reauth_due_at: Option<DateTime<Utc>>,
    /// Why the connection ended.
    pub disconnect_reason: Option<ShopDisconnectReason>,
}

impl ShopStatus {
    /// The view of a stored connection (or of none).
    pub fn of(user_id: UserId, account: Option<ShopAccount>) -> Self {
        match account {
            None => Self {
                user_id,
                status: ShopConnectionState::NotConnected,
                seller: None,
                shops: Vec::new(),
                granted_scopes: Vec::new(),
                connected_at: None,
                last_sync_at: None,
                reauth_due_at: None,
                disconnect_reason: None,
            },
            Some(account) => Self {
                user_id,
                status: account.state,
                seller: Some(account.seller),
                shops: account
                    .shops
                    .into_iter()
                    .filter(|s| s.authorized)
                    .map(|s| ShopSummary {
                        shop_id: s.id,
                        name: s.name,
                        region: s.region,
                        seller_type: s.seller_type,
                        code: s.code,
                    })
                    .collect(),
                granted_scopes: account.granted_scopes,
                connected_at: Some(account.connected_at),
                last_sync_at: account.last_sync_at,
                reauth_due_at: account.reauth_due_at,
                disconnect_reason: account.disconnect_reason,
            },
        }
    }

    /// The contract's `connected`: the seller is connected, even if a reauthorization is due.
    pub fn connected(&self) -> bool {
        self.status != ShopConnectionState::NotConnected
    }
}

/// The status read.
pub struct ShopStatusRead {
    /// Storage of the connection.
    pub connections: Arc<dyn ShopConnections>,
}

impl ShopStatusRead {
    /// The user's seller connection as the status body shows it; no TikTok call.
    pub async fn status(&self, caller: &Caller, user: &UserId) -> Result<ShopStatus, ShopError> {
        authorize(caller, user)?;
        let account = self.connections.connection(user).await?;
        Ok(ShopStatus::of(user.clone(), account))
    }
}

//! Disconnecting a seller: TikTok Shop has no revoke endpoint, so the tokens are forgotten here (the seller
//! removes the app in Seller Center); with `purge`, everything stored is erased.

use std::sync::Arc;

use super::connect::authorize;
use super::{ShopConnections, ShopDisconnectReason, ShopError, ShopStatus};
use crate::ports::Clock;
use crate::usecases::Caller;
use crate::values::UserId;

/// The disconnect use case.
pub struct ShopDisconnect {
    /// Storage of the connection (and the purge of everything).
    pub connections: Arc<dyn ShopConnections>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl ShopDisconnect {
    /// Forgets the tokens and ciphers (idempotent: an ended connection keeps its first reason). With
    /// `purge`, erases the connection, shops, orders, products and figures: the user is as if they never
    /// connected.
    pub async fn disconnect(
        &self,
        caller: &Caller,
        user: &UserId,
        purge: bool,
    ) -> Result<ShopStatus, ShopError> {
        authorize(caller, user)?;
        let account = self
            .connections
            .disconnect(user, ShopDisconnectReason::Requested, self.clock.now())
            .await?;
        if purge {
            self.connections.purge(user).await?;
            tracing::info!(user_id = %user, "Shop connection and data erased");
            return Ok(ShopStatus::of(user.clone(), None));
        }
        tracing::info!(user_id = %user, "Shop seller disconnected");
        Ok(ShopStatus::of(user.clone(), account))
    }
}

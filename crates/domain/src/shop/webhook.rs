//! TikTok Shop's webhooks, already authenticated (signature checked on the raw body) and parsed by the
//! edge: type 1 updates the order's status, 6 ends the connection, 7 records when the authorization
//! expires; others are acknowledged and ignored. Idempotent by `tts_notification_id`.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{
    OrderStatus, ShopConnections, ShopDisconnectReason, ShopError, ShopNotifications, ShopStore,
};
use crate::ports::Clock;

/// What a notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopEvent {
    /// Type 1: an order's status changed (`CANCEL` already read as `CANCELLED`).
    OrderStatusChanged {
        /// `order_id`.
        order_id: String,
        /// `order_status`.
        status: OrderStatus,
        /// `update_time`.
        updated_at: DateTime<Utc>,
    },
    /// Type 6: the seller removed the app.
    SellerDeauthorized,
    /// Type 7: the authorization expires at this instant (`expiration_time`).
    AuthorizationExpiring {
        /// When.
        expires_at: DateTime<Utc>,
    },
    /// Any other type (or a type-1 status we do not know): acknowledged and ignored.
    Other {
        /// `type`.
        kind: i64,
    },
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopNotification {
    /// `tts_notification_id`, when sent (TikTok's older samples have none).
    pub id: Option<String>,
    /// `shop_id`.
    pub shop_id: String,
    /// The event.
    pub event: ShopEvent,
}

/// What was done with a notification (the answer is 200 in every case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Handled.
    Applied,
    /// Seen before (a retry), or of a type we ignore, or for a shop no connection holds.
    Ignored,
}

/// How long a handled notification's id is remembered. TikTok retries an unacknowledged push for up to
/// 12 hours; three days leaves room for a replica that was down meanwhile, and keeps the table small.
pub const HANDLED_NOTIFICATIONS_KEPT: chrono::Duration = chrono::Duration::days(3);

/// The webhook use case.
#[derive(Clone)]
pub struct ShopWebhook {
    /// Storage of the connection.
    pub connections: Arc<dyn ShopConnections>,
    /// Orders.
    pub store: Arc<dyn ShopStore>,
    /// Seen notification ids.
    pub notifications: Arc<dyn ShopNotifications>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl ShopWebhook {
    /// Handles a notification once. A failure forgets its id again, so that TikTok's retry is handled.
    pub async fn handle(
        &self,
        notification: &ShopNotification,
    ) -> Result<WebhookOutcome, ShopError> {
        if let ShopEvent::Other { kind } = notification.event {
            tracing::debug!(kind, "Shop webhook type ignored");
            return Ok(WebhookOutcome::Ignored);
        }
        let now = self.clock.now();
        if let Some(id) = &notification.id {
            if !self.notifications.claim(id, now).await? {
                return Ok(WebhookOutcome::Ignored);
            }
        }
        let outcome = self.apply(notification).await;
        if let (Err(_), Some(id)) = (&outcome, &notification.id) {
            if let Err(error) = self.notifications.release(id).await {
                tracing::warn!(%error, "could not forget a failed Shop notification; TikTok's retry will be ignored");
            }
        }
        outcome
    }

    /// Forgets the ids of notifications handled longer than [`HANDLED_NOTIFICATIONS_KEPT`] ago (the
    /// background rounds call it); returns how many. A retry that old is past TikTok's retry window.
    pub async fn forget_old_notifications(&self) -> Result<u64, ShopError> {
        let before = self.clock.now() - HANDLED_NOTIFICATIONS_KEPT;
        Ok(self.notifications.forget_before(before).await?)
    }

    async fn apply(&self, notification: &ShopNotification) -> Result<WebhookOutcome, ShopError> {
        let Some(user) = self.connections.user_of_shop(&notification.shop_id).await? else {
            tracing::info!("Shop webhook for a shop no connection holds; ignored");
            return Ok(WebhookOutcome::Ignored);
        };
        let now = self.clock.now();
        match &notification.event {
            ShopEvent::OrderStatusChanged {
                order_id,
                status,
                updated_at,
            } => {
                let changed = self
                    .store
                    .update_order_status(
                        &user,
                        &notification.shop_id,
                        order_id,
                        *status,
                        *updated_at,
                    )
                    .await?;
                Ok(if changed {
                    WebhookOutcome::Applied
                } else {
                    WebhookOutcome::Ignored
                })
            }
            ShopEvent::SellerDeauthorized => {
                self.connections
                    .disconnect(&user, ShopDisconnectReason::SellerDeauthorized, now)
                    .await?;
                tracing::info!(user_id = %user, "seller deauthorized the app in Seller Center");
                Ok(WebhookOutcome::Applied)
            }
            ShopEvent::AuthorizationExpiring { expires_at } => {
                self.connections
                    .set_reauth_due(&user, *expires_at, now)
                    .await?;
                Ok(WebhookOutcome::Applied)
            }
            ShopEvent::Other { .. } => Ok(WebhookOutcome::Ignored),
        }
    }
}

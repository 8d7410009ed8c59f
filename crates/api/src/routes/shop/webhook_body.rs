//! TikTok Shop's webhook envelope (TikTok reference §7.9.3–7.9.4), read into the domain's
//! [`ShopNotification`]. Ids may come as strings or bare JSON numbers beyond 2^53: numbers are read as
//! integers, never through a float.

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::Value;
use tiktok_domain::shop::{OrderStatus, ShopEvent, ShopNotification};
use utoipa::ToSchema;

// The OpenAPI document's picture of the body; [`read`] parses the same fields.
/// A TikTok Shop webhook notification.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShopWebhookNotification {
    /// The topic: 1 order status change, 6 seller deauthorization, 7 upcoming authorization expiry; others
    /// are acknowledged and ignored.
    #[serde(rename = "type")]
    #[schema(example = 1)]
    pub kind: i64,
    /// The notification's id: a retry with the same id is handled once.
    #[schema(example = "7327112393057371910")]
    pub tts_notification_id: Option<String>,
    /// The shop id (not its cipher).
    #[schema(value_type = String, example = "7494049642642441621")]
    pub shop_id: Value,
    /// When TikTok pushed it (Unix seconds).
    pub timestamp: i64,
    /// The topic's payload (type 1: `order_id`, `order_status`, `update_time`; type 7:
    /// `expiration_time`).
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Value,
}

/// Why a signed body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WebhookBodyError {
    /// Not the envelope, or a known topic without its fields.
    #[error("the TikTok Shop notification is malformed: {0}")]
    Malformed(&'static str),
}

/// A parsed notification and when TikTok pushed it.
#[derive(Debug)]
pub struct ReadNotification {
    /// The notification, for the use case.
    pub notification: ShopNotification,
    /// The envelope's `timestamp`.
    pub pushed_at: DateTime<Utc>,
}

/// Reads a body whose signature was already checked.
pub fn read(body: &[u8]) -> Result<ReadNotification, WebhookBodyError> {
    let raw: ShopWebhookNotification = serde_json::from_slice(body)
        .map_err(|_| WebhookBodyError::Malformed("not the envelope"))?;
    let shop_id = id(&raw.shop_id).ok_or(WebhookBodyError::Malformed("shop_id"))?;
    let pushed_at = seconds(raw.timestamp).ok_or(WebhookBodyError::Malformed("timestamp"))?;
    let event = match raw.kind {
        1 => order_status_change(&raw.data)?,
        6 => ShopEvent::SellerDeauthorized,
        7 => {
            let at = raw
                .data
                .get("expiration_time")
                .and_then(integer)
                .and_then(seconds)
                .ok_or(WebhookBodyError::Malformed("data.expiration_time"))?;
            ShopEvent::AuthorizationExpiring { expires_at: at }
        }
        kind => ShopEvent::Other { kind },
    };
    Ok(ReadNotification {
        notification: ShopNotification {
            id: raw.tts_notification_id.filter(|id| !id.is_empty()),
            shop_id,
            event,
        },
        pushed_at,
    })
}

/// Type 1; a status we do not know is acknowledged and ignored.
fn order_status_change(data: &Value) -> Result<ShopEvent, WebhookBodyError> {
    let order_id = data
        .get("order_id")
        .and_then(id)
        .ok_or(WebhookBodyError::Malformed("data.order_id"))?;
    let updated_at = data
        .get("update_time")
        .and_then(integer)
        .and_then(seconds)
        .ok_or(WebhookBodyError::Malformed("data.update_time"))?;
    let Some(status) = data
        .get("order_status")
        .and_then(Value::as_str)
        .and_then(OrderStatus::parse)
    else {
        return Ok(ShopEvent::Other { kind: 1 });
    };
    Ok(ShopEvent::OrderStatusChanged {
        order_id,
        status,
        updated_at,
    })
}

/// An id sent as a string of digits or a bare integer.
fn id(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_u64() => n.to_string(),
        _ => return None,
    };
    (!text.is_empty() && text.len() <= 32 && text.bytes().all(|b| b.is_ascii_digit()))
        .then_some(text)
}

/// An integer sent as a number or a string (type 7's `expiration_time` is a string).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn seconds(secs: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(secs, 0).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiktoks_documented_examples_are_read() {
        let one = read(br#"{"type":1,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621","timestamp":1644412885,
 "data":{"order_id":"576486316948490001","order_status":"CANCEL","is_on_hold_order":false,"update_time":1644412885}}"#)
        .unwrap();
        assert_eq!(one.notification.shop_id, "7494049642642441621");
        assert!(matches!(
            one.notification.event,
            ShopEvent::OrderStatusChanged { ref order_id, status: OrderStatus::Cancelled, .. } if order_id == "576486316948490001"
        ));
        let seven = read(br#"{"type":7,"tts_notification_id":"1","shop_id":"7494049642642441621","timestamp":1644412885,
 "data":{"message":"expiring","expiration_time":"1627587506"}}"#)
        .unwrap();
        assert!(matches!(
            seven.notification.event,
            ShopEvent::AuthorizationExpiring { expires_at } if expires_at.timestamp() == 1_627_587_506
        ));
        let five = read(br#"{"type":5,"shop_id":7494049642642441621,"timestamp":1,"data":{"product_id":576486316948490000}}"#)
            .unwrap();
        assert_eq!(
            five.notification.shop_id, "7494049642642441621",
            "no float on the way"
        );
        assert_eq!(five.notification.id, None);
    }

    #[test]
    fn malformed_envelopes_are_refused() {
        for body in [
            &b"not json"[..],
            br#"{"type":1,"shop_id":"1","timestamp":1,"data":{}}"#,
            br#"{"type":6,"shop_id":"x1","timestamp":1}"#,
            br#"{"type":7,"shop_id":"1","timestamp":1,"data":{"expiration_time":"soon"}}"#,
        ] {
            assert!(read(body).is_err(), "{}", String::from_utf8_lossy(body));
        }
    }
}

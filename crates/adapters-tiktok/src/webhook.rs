//! TikTok's webhook deliveries (TikTok reference, webhooks): the signature check and the event's wire format.
//!
//! `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(client_secret, "<t>.<raw body>")>`. The signature
//! is compared in constant time (hmac's `verify_slice`), and a timestamp more than 5 minutes from the
//! [`Clock`]'s now is refused, so a captured delivery cannot be replayed later.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;
use tiktok_domain::ports::Clock;
use tiktok_domain::{DisconnectReason, OpenId};

/// How far a signature's timestamp may be from now.
const TOLERANCE_SECONDS: u64 = 300;

/// Reads TikTok's webhook deliveries for one app: checks the signature, then the event.
pub struct TikTokWebhooks {
    /// Our TikTok client key; events for another app are refused.
    client_key: String,
    /// The client secret TikTok signs with.
    client_secret: SecretString,
    /// Now, for the signature's freshness.
    clock: Arc<dyn Clock>,
}

/// A verified event, in the domain's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// `authorization.removed`: the creator (or TikTok) ended the authorization.
    AuthorizationRemoved {
        /// The creator.
        open_id: OpenId,
        /// Why, from the event's `content` (`Unknown` when it says nothing readable).
        reason: DisconnectReason,
        /// When TikTok created the event.
        at: DateTime<Utc>,
    },
    /// Another event type: acknowledged and ignored. Its name, at most 64 characters, for the log.
    Other(String),
}

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// `TikTok-Signature` is missing, malformed, stale, or not ours: the delivery may not be TikTok's.
    #[error("the TikTok-Signature is missing, invalid or stale")]
    BadSignature,
    /// Signed, but not an event we can read.
    #[error("{0}")]
    Malformed(String),
    /// Signed with our secret, but addressed to another app.
    #[error("the event is for another client_key")]
    ForeignClientKey,
}

/// The body TikTok posts.
#[derive(Deserialize)]
struct EventDto {
    client_key: String,
    event: String,
    /// Unix seconds.
    create_time: i64,
    user_openid: String,
    /// A JSON document serialized as a string.
    #[serde(default)]
    content: String,
}

/// `content` of `authorization.removed`.
#[derive(Deserialize)]
struct RemovedContent {
    reason: i64,
}

impl TikTokWebhooks {
    /// A reader for the app `client_key`, whose deliveries are signed with `client_secret`.
    pub fn new(
        client_key: impl Into<String>,
        client_secret: SecretString,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client_key: client_key.into(),
            client_secret,
            clock,
        }
    }

    /// Checks `signature` (the `TikTok-Signature` header, if any) against the raw `body`, then reads the
    /// event. The signature comes first: nothing of an unsigned body is looked at.
    pub fn read(&self, signature: Option<&str>, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        verify(signature, body, &self.client_secret, self.clock.now())?;
        let event: EventDto = serde_json::from_slice(body).map_err(|_| {
            WebhookError::Malformed("the webhook body is not a TikTok event".into())
        })?;
        if event.client_key != self.client_key {
            return Err(WebhookError::ForeignClientKey);
        }
        if event.event != "authorization.removed" {
            return Ok(WebhookEvent::Other(event.event.chars().take(64).collect()));
        }
        let reason = serde_json::from_str::<RemovedContent>(&event.content)
            .map(|c| DisconnectReason::from_tiktok_code(c.reason))
            .unwrap_or(DisconnectReason::Unknown);
        let open_id = OpenId::parse(&event.user_openid)
            .map_err(|e| WebhookError::Malformed(e.to_string()))?;
        let at = DateTime::from_timestamp(event.create_time, 0)
            .ok_or_else(|| WebhookError::Malformed("create_time is out of range".into()))?;
        Ok(WebhookEvent::AuthorizationRemoved {
            open_id,
            reason,
            at,
        })
    }
}

/// Checks `TikTok-Signature` against the raw body, at `now`.
fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &SecretString,
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    let bad = || WebhookError::BadSignature;
    let header = header.ok_or_else(bad)?;
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = Some(v),
            Some(("s", v)) => signature = Some(v),
            _ => {}
        }
    }
    let (timestamp, signature) = (timestamp.ok_or_else(bad)?, signature.ok_or_else(bad)?);
    let t: i64 = timestamp.parse().map_err(|_| bad())?;
    // abs_diff: a hostile timestamp such as i64::MIN must not overflow.
    if now.timestamp().abs_diff(t) > TOLERANCE_SECONDS {
        return Err(bad());
    }
    let expected = hex::decode(signature).map_err(|_| bad())?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()).map_err(|_| bad())?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A clock that always answers the same instant.
    struct Fixed(DateTime<Utc>);

    impl Clock for Fixed {
        fn now(&self) -> DateTime<Utc> {
            self.0
        }
    }

    const NOW: i64 = 1_767_225_600;
    const KEY: &str = "our-client-key";

    fn webhooks() -> TikTokWebhooks {
        let now = DateTime::from_timestamp(NOW, 0).expect("in range");
        TikTokWebhooks::new(KEY, SecretString::from("shh"), Arc::new(Fixed(now)))
    }

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        format!("t={t},s={}", hex::encode(mac.finalize().into_bytes()))
    }

    fn removed(client_key: &str, content: &str) -> Vec<u8> {
        json!({"client_key": client_key, "event": "authorization.removed", "create_time": NOW - 60,
            "user_openid": "open-1", "content": content})
        .to_string()
        .into_bytes()
    }

    fn refused(signature: Option<&str>, body: &[u8]) -> bool {
        matches!(
            webhooks().read(signature, body),
            Err(WebhookError::BadSignature)
        )
    }

    #[test]
    fn a_fresh_signature_with_our_secret_is_accepted() {
        let body = removed(KEY, r#"{"reason": 2}"#);
        let event = webhooks()
            .read(Some(&sign("shh", NOW, &body)), &body)
            .expect("accepted");
        assert_eq!(
            event,
            WebhookEvent::AuthorizationRemoved {
                open_id: OpenId::parse("open-1").expect("an open_id"),
                reason: DisconnectReason::from_tiktok_code(2),
                at: DateTime::from_timestamp(NOW - 60, 0).expect("in range"),
            }
        );
        for edge in [NOW - 300, NOW + 300] {
            assert!(
                webhooks()
                    .read(Some(&sign("shh", edge, &body)), &body)
                    .is_ok(),
                "5 minutes either way is still fresh"
            );
        }
    }

    #[test]
    fn another_secret_or_another_body_is_refused() {
        let body = removed(KEY, "{}");
        assert!(refused(Some(&sign("other", NOW, &body)), &body));
        assert!(refused(Some(&sign("shh", NOW, &body)), b"{}"));
        assert!(refused(None, &body));
    }

    #[test]
    fn a_stale_timestamp_is_refused() {
        let body = removed(KEY, "{}");
        assert!(refused(Some(&sign("shh", NOW - 301, &body)), &body));
    }

    #[test]
    fn a_timestamp_from_the_future_is_refused() {
        let body = removed(KEY, "{}");
        assert!(refused(Some(&sign("shh", NOW + 301, &body)), &body));
    }

    #[test]
    fn a_malformed_header_is_refused() {
        let body = removed(KEY, "{}");
        let good = sign("shh", NOW, &body);
        let without_t = good.split(',').nth(1).expect("the s= part").to_owned();
        for garbage in [
            "",
            "t=,s=",
            "t=abc,s=00",
            "s=zz,t=1",
            "t=1",
            without_t.as_str(),
            "t=-9223372036854775808,s=00",
            "t=9223372036854775807,s=00",
        ] {
            assert!(refused(Some(garbage), &body), "{garbage:?}");
        }
    }

    #[test]
    fn signed_bodies_are_read_by_event_type_and_app() {
        let signed = |body: &[u8]| webhooks().read(Some(&sign("shh", NOW, body)), body);
        assert!(matches!(
            signed(b"{not json"),
            Err(WebhookError::Malformed(_))
        ));
        assert!(matches!(
            signed(&removed("another-app", "{}")),
            Err(WebhookError::ForeignClientKey)
        ));
        let unreadable_reason = signed(&removed(KEY, "not json")).expect("accepted");
        assert!(matches!(
            unreadable_reason,
            WebhookEvent::AuthorizationRemoved {
                reason: DisconnectReason::Unknown,
                ..
            }
        ));
        let other =
            json!({"client_key": KEY, "event": "video.publish.completed", "create_time": NOW,
            "user_openid": "", "content": "{}"})
            .to_string();
        assert_eq!(
            signed(other.as_bytes()).expect("accepted"),
            WebhookEvent::Other("video.publish.completed".into())
        );
        let no_open_id =
            json!({"client_key": KEY, "event": "authorization.removed", "create_time": NOW,
            "user_openid": "", "content": "{}"})
            .to_string();
        assert!(matches!(
            signed(no_open_id.as_bytes()),
            Err(WebhookError::Malformed(_))
        ));
        let far =
            json!({"client_key": KEY, "event": "authorization.removed", "create_time": i64::MAX,
            "user_openid": "open-1", "content": "{}"})
            .to_string();
        assert!(matches!(
            signed(far.as_bytes()),
            Err(WebhookError::Malformed(_))
        ));
    }
}

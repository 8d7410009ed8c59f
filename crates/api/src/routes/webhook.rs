//! `POST /api/v1/integrations/tiktok/webhooks`: TikTok's webhook events, signed with the client secret.
//!
//! `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(client_secret, "<t>.<raw body>")>`. The signature
//! is compared in constant time (hmac's `verify_slice`), and a timestamp more than 5 minutes from now is
//! refused, so a captured delivery cannot be replayed later.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;
use tiktok_domain::usecases::AccountService;
use tiktok_domain::{DisconnectReason, OpenId};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};

/// How far a signature's timestamp may be from now.
const TOLERANCE_SECONDS: i64 = 300;

/// What the receiver needs to check a delivery.
#[derive(Clone)]
pub struct WebhookSecret {
    /// Our TikTok client key; events for another app are refused.
    pub client_key: String,
    /// The client secret TikTok signs with.
    pub client_secret: SecretString,
}

/// A TikTok webhook event (TikTok's reference, webhooks).
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookEvent {
    /// The client key of the app the event is for; another app's events are refused.
    client_key: String,
    /// The event type, e.g. `authorization.removed`; other types are acknowledged and ignored.
    #[schema(example = "authorization.removed")]
    event: String,
    /// When TikTok created the event (Unix seconds).
    create_time: i64,
    /// The creator's `open_id`.
    user_openid: String,
    /// The event's details, a JSON document serialized as a string (for `authorization.removed`:
    /// `{"reason": 0..5}`).
    #[serde(default)]
    #[schema(example = "{\"reason\": 1}")]
    content: String,
}

#[derive(Debug, Deserialize)]
struct RemovedContent {
    reason: i64,
}

/// Receives a TikTok webhook event.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok/webhooks", tag = "tiktok",
    params(("TikTok-Signature" = String, Header, description = "t=<unix seconds>,s=<hex HMAC-SHA256>")),
    request_body(content = WebhookEvent, content_type = "application/json", description = "TikTok's event"),
    responses((status = 200, body = Object, description = "acknowledged: `{}`"), (status = 400, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "payload_too_large"),
        (status = 401, body = ErrorBody, description = "bad or stale signature"), (status = 503, body = ErrorBody)))]
pub async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    secret: web::Data<WebhookSecret>,
    service: web::Data<AccountService>,
) -> Result<HttpResponse, ApiError> {
    let handled = handle(&req, &body, &secret, &service).await;
    let outcome = match &handled {
        Ok(outcome) => *outcome,
        Err(error) => match actix_web::ResponseError::status_code(error).as_u16() {
            401 => "bad_signature",
            400 => "invalid",
            _ => "failed",
        },
    };
    metrics::counter!("tiktok_webhook_events_total", "outcome" => outcome).increment(1);
    handled.map(|_| HttpResponse::Ok().json(serde_json::json!({})))
}

/// Verifies and applies one event; answers `processed` or `ignored` (for the metrics).
async fn handle(
    req: &HttpRequest,
    body: &[u8],
    secret: &WebhookSecret,
    service: &AccountService,
) -> Result<&'static str, ApiError> {
    let header = req
        .headers()
        .get("TikTok-Signature")
        .and_then(|v| v.to_str().ok());
    verify(header, body, &secret.client_secret, Utc::now())?;
    let event: WebhookEvent = serde_json::from_slice(body)
        .map_err(|_| ApiError::invalid_request("the webhook body is not a TikTok event"))?;
    if event.client_key != secret.client_key {
        return Err(ApiError::invalid_request(
            "the event is for another client_key",
        ));
    }
    match event.event.as_str() {
        "authorization.removed" => {
            let reason = serde_json::from_str::<RemovedContent>(&event.content)
                .map(|c| DisconnectReason::from_tiktok_code(c.reason))
                .unwrap_or(DisconnectReason::Unknown);
            let open_id = OpenId::parse(&event.user_openid)
                .map_err(|e| ApiError::invalid_request(e.to_string()))?;
            let at = DateTime::from_timestamp(event.create_time, 0)
                .ok_or_else(|| ApiError::invalid_request("create_time is out of range"))?;
            let outcome = service
                .connections()
                .authorization_removed(&open_id, reason, at)
                .await?;
            tracing::info!(?outcome, "authorization.removed processed");
            Ok("processed")
        }
        other => {
            tracing::info!(event = %other.chars().take(64).collect::<String>(), "webhook event acknowledged and ignored");
            Ok("ignored")
        }
    }
}

/// Checks `TikTok-Signature` against the raw body.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &SecretString,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let bad = || {
        ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "the TikTok-Signature is missing, invalid or stale",
        )
    };
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
    if now.timestamp().abs_diff(t) > TOLERANCE_SECONDS.unsigned_abs() {
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
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        format!("t={t},s={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn a_fresh_correct_signature_is_accepted_and_anything_else_refused() {
        let secret = SecretString::from("shh".to_owned());
        let now = Utc::now();
        let body = br#"{"event":"authorization.removed"}"#;
        let good = sign("shh", now.timestamp(), body);
        assert!(verify(Some(&good), body, &secret, now).is_ok());
        assert!(verify(None, body, &secret, now).is_err());
        assert!(
            verify(Some(&good), b"{}", &secret, now).is_err(),
            "another body"
        );
        assert!(
            verify(
                Some(&sign("other", now.timestamp(), body)),
                body,
                &secret,
                now
            )
            .is_err(),
            "another secret"
        );
        let stale = sign("shh", now.timestamp() - 301, body);
        assert!(
            verify(Some(&stale), body, &secret, now).is_err(),
            "older than 5 minutes"
        );
        let future = sign("shh", now.timestamp() + 301, body);
        assert!(
            verify(Some(&future), body, &secret, now).is_err(),
            "too far ahead"
        );
        for garbage in [
            "",
            "t=,s=",
            "t=abc,s=00",
            "s=zz,t=1",
            "t=1",
            "t=-9223372036854775808,s=00",
            "t=9223372036854775807,s=00",
        ] {
            assert!(
                verify(Some(garbage), body, &secret, now).is_err(),
                "{garbage:?}"
            );
        }
    }
}

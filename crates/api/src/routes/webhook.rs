//! `POST /api/v1/integrations/tiktok/webhooks`: TikTok's webhook events, signed with the client secret.
//!
//! A thin handler: the signature check and the wire format belong to the TikTok adapter
//! ([`TikTokWebhooks`]); the effect to the domain's use case.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tiktok_adapters_tiktok::{TikTokWebhooks, WebhookError, WebhookEvent as Event};
use tiktok_domain::usecases::AccountService;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};

// The OpenAPI document's picture of the body: the adapter (`TikTokWebhooks`) reads it, and an end-to-end
// test checks that a body built from this schema is accepted, so the two cannot drift apart.
/// A TikTok webhook event (TikTok's reference, webhooks).
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookEvent {
    /// The client key of the app the event is for; another app's events are refused.
    pub client_key: String,
    /// The event type, e.g. `authorization.removed`; other types are acknowledged and ignored.
    #[schema(example = "authorization.removed")]
    pub event: String,
    /// When TikTok created the event (Unix seconds).
    pub create_time: i64,
    /// The creator's `open_id`.
    pub user_openid: String,
    /// The event's details, a JSON document serialized as a string (for `authorization.removed`:
    /// `{"reason": 0..5}`).
    #[serde(default)]
    #[schema(example = "{\"reason\": 1}")]
    pub content: String,
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
    webhooks: web::Data<TikTokWebhooks>,
    service: web::Data<AccountService>,
) -> Result<HttpResponse, ApiError> {
    let handled = handle(&req, &body, &webhooks, &service).await;
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
    webhooks: &TikTokWebhooks,
    service: &AccountService,
) -> Result<&'static str, ApiError> {
    let signature = req
        .headers()
        .get("TikTok-Signature")
        .and_then(|v| v.to_str().ok());
    match webhooks.read(signature, body).map_err(refused)? {
        Event::AuthorizationRemoved {
            open_id,
            reason,
            at,
        } => {
            let outcome = service
                .connections()
                .authorization_removed(&open_id, reason, at)
                .await?;
            tracing::info!(?outcome, "authorization.removed processed");
            Ok("processed")
        }
        Event::Other(event) => {
            tracing::info!(%event, "webhook event acknowledged and ignored");
            Ok("ignored")
        }
    }
}

/// 401 for a delivery that may not be TikTok's, 400 for a signed one we cannot use.
fn refused(error: WebhookError) -> ApiError {
    match error {
        WebhookError::BadSignature => ApiError::unauthenticated(error.to_string()),
        WebhookError::Malformed(_) | WebhookError::ForeignClientKey => {
            ApiError::invalid_request(error.to_string())
        }
    }
}

//! `POST /api/v1/integrations/tiktok-shop/webhooks`: TikTok Shop's pushes, signed with the app secret
//! (`Authorization` = hex HMAC-SHA256 over `app_key` + raw body; not a JWT). Answers 200 with an empty body
//! as soon as the notification is stored (TikTok waits 3 seconds); idempotent by `tts_notification_id`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::webhook_body::{self, ShopWebhookNotification};
use super::ShopApi;
use crate::error::{ApiError, ErrorBody};

/// Notifications pushed longer ago than this are acknowledged and not applied (TikTok retries for 12
/// hours; the signature has no timestamp of its own, so this bounds a replay).
const STALE_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// Receives a TikTok Shop notification.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok-shop/webhooks", tag = "tiktok-shop",
    operation_id = "shop_webhooks",
    params(("Authorization" = String, Header, description = "64 hex digits: HMAC-SHA256 keyed with the app secret over app_key + raw body")),
    request_body(content = ShopWebhookNotification, content_type = "application/json", description = "TikTok Shop's notification"),
    responses((status = 200, description = "acknowledged (empty body)"),
        (status = 400, body = ErrorBody, description = "signed but malformed"),
        (status = 401, body = ErrorBody, description = "bad signature"),
        (status = 413, body = ErrorBody, description = "payload_too_large"),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable: TikTok retries")))]
pub async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    shop: web::Data<ShopApi>,
) -> Result<HttpResponse, ApiError> {
    let handled = handle(&req, &body, &shop).await;
    let outcome = match &handled {
        Ok(outcome) => *outcome,
        Err(error) => match actix_web::ResponseError::status_code(error).as_u16() {
            401 => "bad_signature",
            400 => "invalid",
            _ => "failed",
        },
    };
    metrics::counter!("tiktok_shop_webhook_events_total", "outcome" => outcome).increment(1);
    handled.map(|_| HttpResponse::Ok().finish())
}

async fn handle(req: &HttpRequest, body: &[u8], shop: &ShopApi) -> Result<&'static str, ApiError> {
    let services = shop.get()?;
    let signature = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !services.webhook_key.verify(body, signature) {
        return Err(ApiError::unauthenticated(
            "the TikTok Shop webhook signature does not match",
        ));
    }
    let read = webhook_body::read(body).map_err(|e| ApiError::invalid_request(e.to_string()))?;
    if read.pushed_at < chrono::Utc::now() - STALE_AFTER {
        tracing::info!("stale TikTok Shop notification acknowledged and ignored");
        return Ok("stale");
    }
    let outcome = services.webhook.handle(&read.notification).await?;
    tracing::info!(?outcome, shop_id = %read.notification.shop_id, "TikTok Shop notification handled");
    Ok(match outcome {
        tiktok_domain::shop::WebhookOutcome::Applied => "processed",
        tiktok_domain::shop::WebhookOutcome::Ignored => "ignored",
    })
}

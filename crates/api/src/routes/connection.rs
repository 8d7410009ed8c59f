//! Status, sync, metrics and disconnect of one user's connection.

use actix_web::{web, HttpResponse};
use tiktok_domain::usecases::AccountService;

use super::dto::{MetricsBody, StatusBody};
use super::params;
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};
use crate::rate_limit::CallerRateLimiter;

/// Connection status of one user.
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/status/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id")),
    responses((status = 200, body = StatusBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn status(
    service: web::Data<AccountService>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let status = service.status(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(StatusBody::from(status)))
}

/// Refresh the token if needed, pull profile stats from TikTok, store them.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok/sync/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id")),
    responses((status = 200, body = MetricsBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn sync(
    service: web::Data<AccountService>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    limiter.check(&caller.0)?;
    let user_id = params::user_id(Some(&path))?;
    let metrics = service.sync(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(MetricsBody::from(metrics)))
}

/// The stored metrics (no call to TikTok).
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/metrics/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id")),
    responses((status = 200, body = MetricsBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn metrics(
    service: web::Data<AccountService>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let metrics = service.metrics(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(MetricsBody::from(metrics)))
}

/// Revoke at TikTok, forget the tokens, mark inactive. Idempotent.
#[utoipa::path(delete, path = "/api/v1/integrations/tiktok/disconnect/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id")),
    responses((status = 200, body = StatusBody), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disconnect(
    service: web::Data<AccountService>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let status = service.disconnect(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(StatusBody::from(status)))
}

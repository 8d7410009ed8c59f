//! Status, sync, metrics and disconnect of one user's connection.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tiktok_domain::usecases::{AccountSync, Connections, ContentReads};
use utoipa::IntoParams;

use super::dto::{MetricsBody, StatusBody};
use super::{param_docs, params};
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};
use crate::rate_limit::CallerRateLimiter;

/// Connection status of one user.
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/status/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$")),
    responses((status = 200, body = StatusBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn status(
    reads: web::Data<ContentReads>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let status = reads.status(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(StatusBody::from(status)))
}

/// Refresh the token if needed, pull profile stats from TikTok, store them with a history snapshot, then
/// sync the videos (with `video.list`). Answers the metrics body, fresh. One sync per account runs at a
/// time: a request that finds one running answers its result. The caller's budget is charged the TikTok
/// calls the sync made (every page).
#[utoipa::path(post, path = "/api/v1/integrations/tiktok/sync/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$")),
    responses((status = 200, body = MetricsBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "not_connected"), (status = 409, body = ErrorBody, description = "reauth_required"),
        (status = 429, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn sync(
    syncs: web::Data<AccountSync>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    limiter.check(&caller.0)?;
    let metered = syncs.sync_report_metered(&caller.0, &user_id).await;
    limiter.settle(&caller.0, metered.tiktok_calls);
    Ok(HttpResponse::Ok().json(MetricsBody::from(metered.value?)))
}

/// The stored metrics with growth, engagement, views and top videos (no call to TikTok).
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/metrics/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$")),
    responses((status = 200, body = MetricsBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "not_connected"), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn metrics(
    reads: web::Data<ContentReads>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let report = reads.metrics_report(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(MetricsBody::from(report)))
}

/// Query of disconnect.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DisconnectQuery {
    /// `true` erases everything stored for the creator (videos, history, profile, the account row);
    /// `false` or absent keeps the history for a reconnect. Anything else is 400.
    #[param(schema_with = param_docs::purge)]
    purge: Option<String>,
}

/// Revoke at TikTok, forget the tokens, mark inactive; with `purge=true`, erase everything stored for
/// the creator. Idempotent.
#[utoipa::path(delete, path = "/api/v1/integrations/tiktok/disconnect/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), DisconnectQuery),
    responses((status = 200, body = StatusBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id or purge"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disconnect(
    connections: web::Data<Connections>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<DisconnectQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let status = if params::purge(query.purge.as_deref())? {
        connections
            .disconnect_and_purge(&caller.0, &user_id)
            .await?
    } else {
        connections.disconnect(&caller.0, &user_id).await?
    };
    Ok(HttpResponse::Ok().json(StatusBody::from(status)))
}

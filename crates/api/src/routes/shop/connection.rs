//! Status, disconnect and sync of one user's seller connection.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tiktok_domain::shop::ShopError;
use utoipa::IntoParams;

use super::dto::ShopStatusBody;
use super::figures_dto::ShopMetricsBody;
use super::{param_docs, ShopApi};
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};
use crate::rate_limit::CallerRateLimiter;
use crate::routes::params;

/// The seller connection: status, seller and shops (no TikTok call; never a token or a cipher).
#[utoipa::path(get, path = "/api/v1/integrations/tiktok-shop/status/{user_id}", tag = "tiktok-shop",
    operation_id = "shop_status",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$")),
    responses((status = 200, body = ShopStatusBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable")),
    security(("bearer" = [])))]
pub async fn status(
    shop: web::Data<ShopApi>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let status = shop.get()?.status.status(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(ShopStatusBody::from(status)))
}

/// Query of disconnect.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopDisconnectQuery {
    /// `true` erases everything stored for the seller; `false` or absent keeps the data. Anything else is
    /// 400.
    #[param(schema_with = param_docs::purge)]
    purge: Option<String>,
}

/// Forget the seller's tokens and shop ciphers and mark the connection `not_connected`; with `purge=true`,
/// erase everything stored (connection, shops, orders, products, figures). TikTok Shop has no revoke
/// endpoint: the app stays authorized at TikTok until the seller removes it in Seller Center. Idempotent.
#[utoipa::path(delete, path = "/api/v1/integrations/tiktok-shop/disconnect/{user_id}", tag = "tiktok-shop",
    operation_id = "shop_disconnect",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), ShopDisconnectQuery),
    responses((status = 200, body = ShopStatusBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id or purge"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable")),
    security(("bearer" = [])))]
pub async fn disconnect(
    shop: web::Data<ShopApi>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<ShopDisconnectQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let purge = params::purge(query.purge.as_deref())?;
    let status = shop
        .get()?
        .disconnect
        .disconnect(&caller.0, &user_id, purge)
        .await?;
    Ok(HttpResponse::Ok().json(ShopStatusBody::from(status)))
}

/// Refresh the token if needed (and once more on TikTok's `105002`), re-list the authorized shops, sync
/// each shop's orders and products incrementally by `update_time`, recompute the figures. Answers the
/// metrics body, fresh.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok-shop/sync/{user_id}", tag = "tiktok-shop",
    operation_id = "shop_sync",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$")),
    responses((status = 200, body = ShopMetricsBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "not_connected"),
        (status = 409, body = ErrorBody, description = "reauth_required: TikTok Shop no longer accepts the grant"),
        (status = 429, body = ErrorBody, description = "rate_limited"),
        (status = 502, body = ErrorBody, description = "tiktok_error (e.g. 105005: the app lacks an API's permission)"),
        (status = 503, body = ErrorBody, description = "shop_not_configured, tiktok_unavailable, database_unavailable")),
    security(("bearer" = [])))]
pub async fn sync(
    shop: web::Data<ShopApi>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let services = shop.get()?;
    if !caller.0.may_act_for(&user_id) {
        return Err(ShopError::Forbidden.into());
    }
    limiter.check(&caller.0)?;
    let report = services.sync.sync(&user_id).await?;
    tracing::info!(
        user_id = %user_id,
        shops = report.shops,
        orders = report.orders,
        products = report.products,
        "Shop sync done"
    );
    let figures = services.reads.figures(&caller.0, &user_id, None).await?;
    Ok(HttpResponse::Ok().json(ShopMetricsBody::new(&user_id, figures)))
}

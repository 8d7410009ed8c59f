//! The stored figures, orders and products of a seller (no TikTok call).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::figures_dto::ShopMetricsBody;
use super::listing_dto::{ShopOrdersBody, ShopProductsBody};
use super::params::{self as shop_params, DEFAULT_LIMIT};
use super::{param_docs, ShopApi};
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};
use crate::routes::params;

/// Query of metrics.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopMetricsQuery {
    /// Only this shop.
    #[param(schema_with = param_docs::shop_id)]
    shop_id: Option<String>,
}

/// The stored figures per shop and currency: orders, revenue and units over 24 hours, 7 and 30 days, orders
/// by status, active products, top products by units. Money is an exact decimal string with its currency.
#[utoipa::path(get, path = "/api/v1/integrations/tiktok-shop/metrics/{user_id}", tag = "tiktok-shop",
    operation_id = "shop_metrics",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), ShopMetricsQuery),
    responses((status = 200, body = ShopMetricsBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id or shop_id"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable")),
    security(("bearer" = [])))]
pub async fn metrics(
    shop: web::Data<ShopApi>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<ShopMetricsQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let shop_id = shop_params::shop_id(query.shop_id.as_deref())?;
    let figures = shop
        .get()?
        .reads
        .figures(&caller.0, &user_id, shop_id)
        .await?;
    Ok(HttpResponse::Ok().json(ShopMetricsBody::new(&user_id, figures)))
}

/// Query of orders.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopOrdersQuery {
    /// Only this shop.
    #[param(schema_with = param_docs::shop_id)]
    shop_id: Option<String>,
    /// Only this status.
    #[param(schema_with = param_docs::order_status)]
    status: Option<String>,
    /// Items per page.
    #[param(schema_with = param_docs::limit)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    #[param(schema_with = param_docs::cursor)]
    cursor: Option<String>,
}

/// The stored orders, newest created first, in keyset pages.
#[utoipa::path(get, path = "/api/v1/integrations/tiktok-shop/orders/{user_id}", tag = "tiktok-shop",
    operation_id = "shop_orders",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), ShopOrdersQuery),
    responses((status = 200, body = ShopOrdersBody),
        (status = 400, body = ErrorBody, description = "invalid_request: bad user_id, shop_id, status, limit or cursor"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable")),
    security(("bearer" = [])))]
pub async fn orders(
    shop: web::Data<ShopApi>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<ShopOrdersQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let shop_id = shop_params::shop_id(query.shop_id.as_deref())?;
    let status = shop_params::order_status(query.status.as_deref())?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let page = shop
        .get()?
        .reads
        .orders(
            &caller.0,
            &user_id,
            shop_id,
            status,
            limit,
            query.cursor.as_deref(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(ShopOrdersBody::new(&user_id, page)))
}

/// Query of products.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopProductsQuery {
    /// Only this shop.
    #[param(schema_with = param_docs::shop_id)]
    shop_id: Option<String>,
    /// Only this status.
    #[param(schema_with = param_docs::product_status)]
    status: Option<String>,
    /// Items per page.
    #[param(schema_with = param_docs::limit)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    #[param(schema_with = param_docs::cursor)]
    cursor: Option<String>,
}

/// The stored products with their SKUs, price and stock, latest updated first, in keyset pages.
#[utoipa::path(get, path = "/api/v1/integrations/tiktok-shop/products/{user_id}", tag = "tiktok-shop",
    operation_id = "shop_products",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), ShopProductsQuery),
    responses((status = 200, body = ShopProductsBody),
        (status = 400, body = ErrorBody, description = "invalid_request: bad user_id, shop_id, status, limit or cursor"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable")),
    security(("bearer" = [])))]
pub async fn products(
    shop: web::Data<ShopApi>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<ShopProductsQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let shop_id = shop_params::shop_id(query.shop_id.as_deref())?;
    let status = shop_params::product_status(query.status.as_deref())?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let page = shop
        .get()?
        .reads
        .products(
            &caller.0,
            &user_id,
            shop_id,
            status,
            limit,
            query.cursor.as_deref(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(ShopProductsBody::new(&user_id, page)))
}

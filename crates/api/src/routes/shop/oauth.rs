//! Starting and completing a seller's authorization at TikTok Shop.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tiktok_domain::shop::{ShopCallback, ShopError};
use tiktok_domain::OAuthState;
use utoipa::IntoParams;

use super::dto::{ShopInitBody, ShopStatusBody};
use super::ShopApi;
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};
use crate::rate_limit::CallerRateLimiter;
use crate::routes::params;

/// Query of Shop's `auth/init`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopInitQuery {
    /// The product's user id.
    #[param(required = true, value_type = String, pattern = "^[A-Za-z0-9._:@-]{1,128}$")]
    user_id: Option<String>,
}

/// Issue a state bound to the user and return TikTok Shop's authorization URL
/// (`…/open/authorize?service_id=…&state=…`). The redirect is configured at Partner Center, so there is no
/// `redirect_uri`.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok-shop/auth/init", tag = "tiktok-shop",
    operation_id = "shop_auth_init",
    params(ShopInitQuery),
    responses((status = 200, body = ShopInitBody), (status = 400, body = ErrorBody, description = "invalid_request"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, database_unavailable")),
    security(("bearer" = [])))]
pub async fn init(
    shop: web::Data<ShopApi>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    query: web::Query<ShopInitQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(query.user_id.as_deref())?;
    let services = shop.get()?;
    limiter.check(&caller.0)?;
    let start = services.connect.init(&caller.0, &user_id).await?;
    Ok(HttpResponse::Ok().json(ShopInitBody::from(start)))
}

/// Query of Shop's `auth/callback`: what TikTok Shop appended to the redirect, plus the user.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ShopCallbackQuery {
    /// The auth code (absent when the seller declined).
    #[param(required = false, value_type = String)]
    code: Option<String>,
    /// The state issued by `auth/init`. Without it (an install started from Seller Center's app store) the
    /// callback cannot be tied to a user: `400 invalid_state`.
    #[param(required = true, value_type = String)]
    state: Option<String>,
    /// The product's user id.
    #[param(required = true, value_type = String, pattern = "^[A-Za-z0-9._:@-]{1,128}$")]
    user_id: Option<String>,
    /// TikTok Shop's error when the seller declined.
    #[param(required = false, value_type = String)]
    error: Option<String>,
}

/// Check the state, exchange the code (`grant_type=authorized_code`), list the authorized shops, store the
/// seller. Answers the status body.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok-shop/auth/callback", tag = "tiktok-shop",
    operation_id = "shop_auth_callback",
    params(ShopCallbackQuery),
    responses((status = 200, body = ShopStatusBody),
        (status = 400, body = ErrorBody, description = "invalid_request, invalid_state (also: no state), authorization_denied, invalid_grant"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "shop_seller_in_use: the seller is connected to another user"),
        (status = 429, body = ErrorBody), (status = 502, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "shop_not_configured, tiktok_unavailable, database_unavailable")),
    security(("bearer" = [])))]
pub async fn callback(
    shop: web::Data<ShopApi>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    query: web::Query<ShopCallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(query.user_id.as_deref())?;
    let services = shop.get()?;
    limiter.check(&caller.0)?;
    // A state that is not one of ours cannot be tied to the user either.
    let state = match query.state.as_deref() {
        None => None,
        Some(raw) => Some(OAuthState::parse(raw).map_err(|_| ShopError::InvalidState)?),
    };
    let outcome = match (&query.error, &query.code) {
        (Some(error), _) => ShopCallback::Declined {
            error: params::tiktok_error(error),
        },
        (None, Some(code)) => ShopCallback::Code(params::code(code)?),
        (None, None) if state.is_none() => return Err(ShopError::InvalidState.into()),
        (None, None) => return Err(ApiError::invalid_request("code or error is required")),
    };
    match services
        .connect
        .callback(&caller.0, &user_id, state.as_ref(), outcome)
        .await
    {
        Ok(status) => Ok(HttpResponse::Ok().json(ShopStatusBody::from(status))),
        // At the token endpoint, "authorize again" means the code itself was refused.
        Err(ShopError::ReauthRequired) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "TikTok Shop refused the authorization code (unknown, expired or already used)",
        )),
        Err(error) => Err(error.into()),
    }
}

//! `POST /dev/token`: development sign-in. Registered only when the service runs in development with the
//! TikTok sandbox (no `TIKTOK_CLIENT_ID`, `APP_ENV` not production); anywhere else the path is unknown (404).

use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::timestamps::rfc3339;
use crate::dev_token::DevTokens;
use crate::error::{ApiError, ErrorBody};

/// How long a token from the route lives: a working day.
const TOKEN_LIFETIME_SECONDS: i64 = 12 * 3_600;

/// Registers the route with its minter.
pub fn configure(cfg: &mut web::ServiceConfig, tokens: DevTokens) {
    cfg.app_data(web::Data::new(tokens)).service(
        web::resource("/dev/token")
            .route(web::post().to(token))
            .default_service(web::to(|| super::method_not_allowed("POST"))),
    );
}

/// Query of the development sign-in.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DevTokenQuery {
    /// The product user id the token acts for.
    #[param(required = true, value_type = String, pattern = "^[A-Za-z0-9._:@-]{1,128}$")]
    user_id: Option<String>,
    /// `true` mints an internal service's token (scope `tiktok:admin`); `false` or absent a creator's.
    #[param(schema_with = super::param_docs::admin)]
    admin: Option<String>,
}

/// A development token.
#[derive(Debug, Serialize, ToSchema)]
pub struct DevTokenBody {
    /// The bearer JWT.
    pub token: String,
    /// The user id it acts for.
    #[schema(example = "42")]
    pub user_id: String,
    /// When it expires (RFC 3339, UTC).
    #[schema(example = "2026-12-05T04:00:00Z")]
    pub expires_at: String,
}

/// DEVELOPMENT ONLY: a bearer token for a chosen user, so that the settings page needs no typed token.
/// Exists only in development with the TikTok sandbox; anywhere else it answers 404.
#[utoipa::path(post, path = "/dev/token", tag = "development",
    params(DevTokenQuery),
    responses((status = 200, body = DevTokenBody), (status = 400, body = ErrorBody, description = "invalid_request: bad user_id or admin"),
        (status = 404, body = ErrorBody, description = "not_found: not in development with the sandbox")))]
pub async fn token(
    tokens: web::Data<DevTokens>,
    query: web::Query<DevTokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(query.user_id.as_deref())?;
    let admin = match query.admin.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid_request("admin must be true or false")),
    };
    let expires_at = Utc::now() + chrono::Duration::seconds(TOKEN_LIFETIME_SECONDS);
    let exp = u64::try_from(expires_at.timestamp()).unwrap_or(0);
    let token = tokens.mint(user_id.as_str(), admin, exp).map_err(|e| {
        tracing::error!(error = %e, "a development token could not be minted");
        ApiError::new(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    })?;
    Ok(HttpResponse::Ok().json(DevTokenBody {
        token,
        user_id: user_id.as_str().to_owned(),
        expires_at: rfc3339(expires_at),
    }))
}

//! Starting and completing TikTok's authorization.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tiktok_domain::usecases::{CallbackOutcome, Connections};
use utoipa::IntoParams;

use super::dto::{InitBody, StatusBody};
use super::params;
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};
use crate::rate_limit::CallerRateLimiter;

/// Query of `auth/init`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InitQuery {
    /// The product's user id.
    #[param(required = true, value_type = String, pattern = "^[A-Za-z0-9._:@-]{1,128}$")]
    user_id: Option<String>,
    /// One URI of the allow-list; the configured default when absent.
    #[param(required = false, value_type = String)]
    redirect_uri: Option<String>,
}

/// Start OAuth: issue a state, return TikTok's authorization URL.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok/auth/init", tag = "tiktok", params(InitQuery),
    responses((status = 200, body = InitBody), (status = 400, body = ErrorBody, description = "invalid_request, invalid_redirect_uri"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn init(
    connections: web::Data<Connections>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    query: web::Query<InitQuery>,
) -> Result<HttpResponse, ApiError> {
    limiter.check(&caller.0)?;
    let user_id = params::user_id(query.user_id.as_deref())?;
    let start = connections
        .start_authorization(&caller.0, &user_id, query.redirect_uri.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(InitBody::from(start)))
}

/// Query of `auth/callback`: what TikTok appended to the redirect URI, plus the user.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackQuery {
    /// The authorization code (absent when the creator declined).
    #[param(required = false, value_type = String)]
    code: Option<String>,
    /// The state issued by init.
    #[param(required = true, value_type = String)]
    state: Option<String>,
    /// The product's user id.
    #[param(required = true, value_type = String, pattern = "^[A-Za-z0-9._:@-]{1,128}$")]
    user_id: Option<String>,
    /// TikTok's error when the creator declined.
    #[param(required = false, value_type = String)]
    error: Option<String>,
    /// TikTok's description of the error.
    #[param(required = false, value_type = String)]
    error_description: Option<String>,
}

/// Finish OAuth: check the state, exchange the code, fetch the profile, store the account.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok/auth/callback", tag = "tiktok", params(CallbackQuery),
    responses((status = 200, body = StatusBody),
        (status = 400, body = ErrorBody, description = "invalid_request, invalid_state, authorization_denied, invalid_grant"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "tiktok_account_in_use"), (status = 429, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn callback(
    connections: web::Data<Connections>,
    limiter: web::Data<CallerRateLimiter>,
    caller: AuthenticatedCaller,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    limiter.check(&caller.0)?;
    let user_id = params::user_id(query.user_id.as_deref())?;
    let state = params::state(query.state.as_deref())?;
    let outcome = match (&query.error, &query.code) {
        (Some(error), _) => CallbackOutcome::Denied {
            error: params::tiktok_error(error),
        },
        (None, Some(code)) => match params::code(code) {
            Ok(code) => CallbackOutcome::Code(code),
            Err(error) => CallbackOutcome::Malformed {
                reason: error.message().to_owned(),
            },
        },
        (None, None) => CallbackOutcome::Missing,
    };
    if let Some(description) = &query.error_description {
        tracing::debug!(len = description.len(), "TikTok sent an error description");
    }
    let status = connections
        .complete_authorization(&caller.0, &user_id, &state, outcome)
        .await?;
    Ok(HttpResponse::Ok().json(StatusBody::from(status)))
}

//! The one error type of the HTTP layer, and the contract's error body.
//!
//! Every error, whatever its origin (a use case, a malformed query, an unknown route, actix itself), leaves
//! as `{"error": {"code": …, "message": …}}` with the contract's status. Causes go to the log, never to the body.

use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use tiktok_domain::usecases::ServiceError;
use utoipa::ToSchema;

/// The contract's error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// What clients branch on (`invalid_state`, `not_connected`, …).
    #[schema(example = "invalid_state")]
    pub code: &'static str,
    /// A sentence for people; never a secret.
    pub message: String,
}

/// Seconds to suggest in `Retry-After` when nobody told us better.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// An error answer: status, code, message, and for 429/503 when to retry. A use case's failure keeps its
/// cause, logged with its whole source chain when the answer is sent (never put in the body).
#[derive(thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<Duration>,
    /// The use case's failure whose cause is logged on the way out (5xx and 502 only).
    #[source]
    cause: Option<ServiceError>,
}

/// The cause stays out of `Debug`: tracing-actix-web records an error's `Debug` on the request span.
impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl ApiError {
    /// An error of any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            cause: None,
        }
    }

    /// 400 `invalid_request`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    /// Adds `Retry-After`.
    pub fn retry_after(mut self, after: Option<Duration>) -> Self {
        self.retry_after = Some(after.unwrap_or(DEFAULT_RETRY_AFTER));
        self
    }

    /// The contract's code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        use StatusCode as S;
        let message = error.to_string();
        let answer = match &error {
            ServiceError::Forbidden => Self::new(S::FORBIDDEN, "forbidden", message),
            ServiceError::InvalidRequest(_) => {
                Self::new(S::BAD_REQUEST, "invalid_request", message)
            }
            ServiceError::InvalidRedirectUri => {
                Self::new(S::BAD_REQUEST, "invalid_redirect_uri", message)
            }
            ServiceError::InvalidState => Self::new(S::BAD_REQUEST, "invalid_state", message),
            ServiceError::AuthorizationDenied { .. } => {
                Self::new(S::BAD_REQUEST, "authorization_denied", message)
            }
            ServiceError::InvalidGrant => Self::new(S::BAD_REQUEST, "invalid_grant", message),
            ServiceError::NotConnected => Self::new(S::NOT_FOUND, "not_connected", message),
            ServiceError::ReauthRequired => Self::new(S::CONFLICT, "reauth_required", message),
            ServiceError::AccountInUse => Self::new(S::CONFLICT, "tiktok_account_in_use", message),
            ServiceError::RateLimited { retry_after } => {
                Self::new(S::TOO_MANY_REQUESTS, "rate_limited", message).retry_after(*retry_after)
            }
            ServiceError::TikTokError(_) => Self::new(S::BAD_GATEWAY, "tiktok_error", message),
            ServiceError::TikTokUnavailable(_) => {
                Self::new(S::SERVICE_UNAVAILABLE, "tiktok_unavailable", message).retry_after(None)
            }
            ServiceError::AccountBusy(_) => {
                // Our own race, not TikTok's: the contract's closest 503 code, with a message that says so.
                Self::new(S::SERVICE_UNAVAILABLE, "tiktok_unavailable", message).retry_after(None)
            }
            ServiceError::DatabaseUnavailable(_) => {
                Self::new(S::SERVICE_UNAVAILABLE, "database_unavailable", message).retry_after(None)
            }
            ServiceError::Internal(_) => {
                Self::new(S::INTERNAL_SERVER_ERROR, "internal_error", "internal error")
            }
        };
        Self {
            cause: Some(error),
            ..answer
        }
    }
}

impl ApiError {
    /// Logs the cause of a failure that is ours or TikTok's, with its whole source chain. The adapters keep
    /// secrets out of their errors (URLs stripped, bodies never quoted), so the chain is safe to log.
    fn log_cause(&self) {
        let Some(error) = &self.cause else {
            return;
        };
        let Some(cause) = std::error::Error::source(error) else {
            return;
        };
        let chain = error_chain(cause);
        match error {
            ServiceError::TikTokError(_) => {
                tracing::warn!(error.cause = %chain, "TikTok answered with an error we cannot act on")
            }
            ServiceError::TikTokUnavailable(_) => {
                tracing::warn!(error.cause = %chain, "TikTok unavailable")
            }
            ServiceError::AccountBusy(_) => {
                tracing::info!(error.cause = %chain, "another request is updating this account")
            }
            ServiceError::DatabaseUnavailable(_) => {
                tracing::error!(error.cause = %chain, "database unavailable")
            }
            ServiceError::Internal(_) => tracing::error!(error.cause = %chain, "internal error"),
            _ => {}
        }
    }
}

/// An error and its causes, `: `-separated.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        self.log_cause();
        let mut response = HttpResponse::build(self.status);
        if let Some(after) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, after.as_secs().max(1).to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
            },
        })
    }
}

/// The code and message the contract gives an error status that actix or a route produced without one.
pub fn code_for_status(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("invalid_request", "the request is malformed"),
        401 => ("unauthenticated", "credentials are missing or invalid"),
        403 => ("forbidden", "the caller may not do this"),
        404 => ("not_found", "no such route"),
        405 => ("method_not_allowed", "this route does not take that method"),
        413 => ("payload_too_large", "the request body is too large"),
        414 => ("uri_too_long", "the request URL is too long"),
        415 => (
            "unsupported_media_type",
            "the request body has an unsupported content type",
        ),
        429 => ("rate_limited", "too many requests; retry later"),
        503 => (
            "service_unavailable",
            "the service is unavailable; retry later",
        ),
        s if s >= 500 => ("internal_error", "internal error"),
        _ => ("invalid_request", "the request was refused"),
    }
}

#[cfg(test)]
mod tests {
    use tiktok_domain::usecases::ServiceError;

    use super::ApiError;

    /// The code a failed sync records (the domain's) is the code the same failure answers over HTTP.
    #[test]
    fn every_service_error_answers_the_code_the_domain_records() {
        let errors = [
            ServiceError::Forbidden,
            ServiceError::InvalidRequest("x".into()),
            ServiceError::InvalidRedirectUri,
            ServiceError::InvalidState,
            ServiceError::AuthorizationDenied {
                error: "access_denied".into(),
            },
            ServiceError::InvalidGrant,
            ServiceError::NotConnected,
            ServiceError::ReauthRequired,
            ServiceError::AccountInUse,
            ServiceError::RateLimited { retry_after: None },
            ServiceError::TikTokError("x".into()),
            ServiceError::TikTokUnavailable("x".into()),
            ServiceError::AccountBusy("x".into()),
            ServiceError::DatabaseUnavailable("x".into()),
            ServiceError::Internal("x".into()),
        ];
        for error in errors {
            let code = error.code();
            assert_eq!(ApiError::from(error).code(), code);
        }
    }
}

//! The Shop use cases' error onto the contract's codes. Causes are logged here (never put in a body); no
//! Shop error carries a token, a cipher or the app secret.

use actix_web::http::StatusCode;
use tiktok_domain::ports::{RepositoryError, StateStoreError};
use tiktok_domain::shop::{ShopApiError, ShopError};

use crate::error::{error_chain, ApiError};

/// The code of `503` when Shop has no credentials (and no sandbox stands in).
pub const SHOP_NOT_CONFIGURED: &str = "shop_not_configured";

/// The code of `409` when the seller is connected to another user of the product.
pub const SHOP_SELLER_IN_USE: &str = "shop_seller_in_use";

/// `503 shop_not_configured`.
pub fn not_configured() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        SHOP_NOT_CONFIGURED,
        "TikTok Shop is not configured on this service (TIKTOK_APP_KEY, TIKTOK_APP_SECRET, TIKTOK_SHOP_SERVICE_ID)",
    )
}

impl From<ShopError> for ApiError {
    fn from(error: ShopError) -> Self {
        use StatusCode as S;
        let message = error.to_string();
        match &error {
            ShopError::Forbidden => Self::new(S::FORBIDDEN, "forbidden", message),
            ShopError::InvalidRequest(_) => Self::new(S::BAD_REQUEST, "invalid_request", message),
            ShopError::InvalidState => Self::new(S::BAD_REQUEST, "invalid_state", message),
            ShopError::Declined { .. } => {
                Self::new(S::BAD_REQUEST, "authorization_denied", message)
            }
            ShopError::NotConnected => Self::new(S::NOT_FOUND, "not_connected", message),
            ShopError::ReauthRequired => Self::new(S::CONFLICT, "reauth_required", message),
            ShopError::SellerInUse => Self::new(S::CONFLICT, SHOP_SELLER_IN_USE, message),
            ShopError::RefreshBusy => {
                Self::new(S::SERVICE_UNAVAILABLE, "tiktok_unavailable", message).retry_after(None)
            }
            ShopError::TikTok(api) => tiktok(api, &error),
            ShopError::Storage(RepositoryError::Unavailable(_))
            | ShopError::States(StateStoreError::Unavailable(_)) => {
                log(&error, "database unavailable");
                Self::new(
                    S::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "the database is unavailable",
                )
                .retry_after(None)
            }
            ShopError::Storage(_)
            | ShopError::States(_)
            | ShopError::Overflow
            | ShopError::Internal(_) => {
                log(&error, "internal error");
                Self::new(S::INTERNAL_SERVER_ERROR, "internal_error", "internal error")
            }
        }
    }
}

/// TikTok Shop's failures: `105005` and other refusals are `502 tiktok_error`, its rate limit `429`, its
/// outages `503`.
fn tiktok(api: &ShopApiError, error: &ShopError) -> ApiError {
    use StatusCode as S;
    let message = api.to_string();
    match api {
        ShopApiError::RateLimited { retry_after } => {
            ApiError::new(S::TOO_MANY_REQUESTS, "rate_limited", message).retry_after(*retry_after)
        }
        ShopApiError::Unavailable(_) => {
            log(error, "TikTok Shop unavailable");
            ApiError::new(S::SERVICE_UNAVAILABLE, "tiktok_unavailable", message).retry_after(None)
        }
        ShopApiError::MissingPermission { .. } => {
            log(
                error,
                "TikTok Shop refused: the app lacks an API permission",
            );
            ApiError::new(
                S::BAD_GATEWAY,
                "tiktok_error",
                format!(
                    "{message}: grant the app the API's permission package (scope) in Partner Center, \
                     then have the seller authorize again"
                ),
            )
        }
        ShopApiError::AccessTokenExpired
        | ShopApiError::ReauthRequired { .. }
        | ShopApiError::ResultCapExceeded
        | ShopApiError::InvalidResponse(_)
        | ShopApiError::Rejected { .. } => {
            log(error, "TikTok Shop answered with an error we cannot act on");
            ApiError::new(S::BAD_GATEWAY, "tiktok_error", message)
        }
    }
}

/// Logs a failure with its whole source chain (the adapters keep secrets out of their errors).
fn log(error: &ShopError, what: &str) {
    tracing::warn!(error.cause = %error_chain(error), "{what}");
}

#[cfg(test)]
mod tests {
    use tiktok_domain::shop::{ShopApiError, ShopError};

    use crate::error::ApiError;

    fn code(error: ShopError) -> (u16, &'static str) {
        let api = ApiError::from(error);
        (
            actix_web::ResponseError::status_code(&api).as_u16(),
            api.code(),
        )
    }

    #[test]
    fn shop_errors_answer_the_contracts_codes() {
        assert_eq!(code(ShopError::ReauthRequired), (409, "reauth_required"));
        assert_eq!(
            code(ShopError::TikTok(ShopApiError::MissingPermission {
                code: 105_005
            })),
            (502, "tiktok_error")
        );
        assert_eq!(
            code(ShopError::TikTok(ShopApiError::RateLimited {
                retry_after: None
            })),
            (429, "rate_limited")
        );
        assert_eq!(
            code(ShopError::TikTok(ShopApiError::Unavailable("down".into()))),
            (503, "tiktok_unavailable")
        );
        assert_eq!(code(ShopError::SellerInUse), (409, "shop_seller_in_use"));
        assert_eq!(code(ShopError::InvalidState), (400, "invalid_state"));
        assert_eq!(
            code(ShopError::Internal("x".into())),
            (500, "internal_error")
        );
    }

    #[test]
    fn a_missing_permission_names_the_code_and_what_to_do() {
        let api = ApiError::from(ShopError::TikTok(ShopApiError::MissingPermission {
            code: 105_005,
        }));
        assert!(api.message().contains("105005"), "{}", api.message());
        assert!(api.message().contains("permission"), "{}", api.message());
    }
}

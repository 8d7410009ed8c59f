//! Turning raw path and query values into domain values, with the contract's 400 answers.

use tiktok_domain::{AuthorizationCode, OAuthState, UserId};

use crate::error::ApiError;

/// The `user_id` rule of the contract.
pub fn user_id(raw: Option<&str>) -> Result<UserId, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::invalid_request("user_id is required"))?;
    UserId::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))
}

/// A state sent back on the callback.
pub fn state(raw: Option<&str>) -> Result<OAuthState, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::invalid_request("state is required"))?;
    OAuthState::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))
}

/// An authorization code, already URL-decoded once by the query parser.
pub fn code(raw: &str) -> Result<AuthorizationCode, ApiError> {
    AuthorizationCode::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))
}

/// TikTok's `error` on a declined callback: short, printable, or it is replaced by a neutral word.
pub fn tiktok_error(raw: &str) -> String {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        raw.to_owned()
    } else {
        "unknown_error".to_owned()
    }
}

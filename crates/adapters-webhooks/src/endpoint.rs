use sha2::{Digest, Sha256};
use tiktok_domain::events::EventType;
use tiktok_events::Secret;
use url::Url;

/// One configured receiver.
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    /// Stable id derived from the URL (see [`endpoint_id`]): the outbox keys deliveries by it.
    pub id: String,
    /// Where deliveries are posted.
    pub url: Url,
    /// Signing secrets, newest first; several during a rotation (each signs every delivery).
    pub secrets: Vec<Secret>,
    /// The types it receives; `None` for all.
    pub types: Option<Vec<EventType>>,
}

/// Why a receiver URL was refused at start-up. Shows the scheme or the parse error, never credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Not a URL.
    #[error("an events receiver URL does not parse: {0}")]
    Unparsable(String),
    /// Not http(s), or http where https is required.
    #[error("an events receiver URL must use {required}, not {scheme}")]
    Scheme {
        /// What is required (`https`, or `http or https`).
        required: &'static str,
        /// What was given.
        scheme: String,
    },
    /// Credentials in the URL would be sent to every receiver log: refused.
    #[error("an events receiver URL must not carry credentials")]
    Credentials,
}

/// Checks a receiver URL: absolute http(s) (https only when `require_https`, as in production), no
/// user info.
///
/// # Errors
/// See [`EndpointError`].
pub fn check_url(raw: &str, require_https: bool) -> Result<Url, EndpointError> {
    let url = Url::parse(raw.trim()).map_err(|e| EndpointError::Unparsable(e.to_string()))?;
    let allowed = if require_https {
        url.scheme() == "https"
    } else {
        matches!(url.scheme(), "http" | "https")
    };
    if !allowed || url.host_str().is_none() {
        return Err(EndpointError::Scheme {
            required: if require_https {
                "https"
            } else {
                "http or https"
            },
            scheme: url.scheme().to_owned(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointError::Credentials);
    }
    Ok(url)
}

/// `ep_` and the first 16 hex digits of SHA-256 of the URL: the same receiver keeps its id (and its
/// pending deliveries) across restarts; a changed URL is a new endpoint.
pub fn endpoint_id(url: &Url) -> String {
    let digest = Sha256::digest(url.as_str().as_bytes());
    format!("ep_{}", &hex::encode(digest)[..16])
}

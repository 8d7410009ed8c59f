use tiktok_events::{Secret, SecretError};

use crate::{check_url, endpoint_id, EndpointError, WebhookEndpoint};

/// Why the receivers' configuration was refused at start-up (the service then does not start).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiversError {
    /// A URL was refused.
    #[error(transparent)]
    Url(#[from] EndpointError),
    /// The secret was refused (its text is never shown).
    #[error("EVENTS_WEBHOOK_SECRET: {0}")]
    Secret(#[from] SecretError),
    /// Receivers are configured but no secret: deliveries would be unsigned.
    #[error("EVENTS_WEBHOOK_URLS is set but EVENTS_WEBHOOK_SECRET is not")]
    MissingSecret,
}

/// Reads `EVENTS_WEBHOOK_URLS` (comma-separated; empty: no receivers) and `EVENTS_WEBHOOK_SECRET`
/// (`whsec_…`; several space-separated during a rotation: each signs every delivery), checking each URL
/// (https when `production`). Every receiver gets every type; per-receiver types and secrets come from the
/// configuration file on top of this.
///
/// # Errors
/// See [`ReceiversError`]: any bad entry refuses start-up rather than silently dropping a receiver.
pub fn receivers_from_env(
    urls: &str,
    secret: Option<&str>,
    production: bool,
) -> Result<Vec<WebhookEndpoint>, ReceiversError> {
    let urls: Vec<&str> = urls
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    let secret = secret
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(ReceiversError::MissingSecret)?;
    let secrets = secret
        .split_whitespace()
        .map(Secret::parse)
        .collect::<Result<Vec<_>, _>>()?;
    urls.into_iter()
        .map(|raw| {
            let url = check_url(raw, production)?;
            Ok(WebhookEndpoint {
                id: endpoint_id(&url),
                url,
                secrets: secrets.clone(),
                types: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn urls_and_one_secret_make_one_endpoint_each() {
        let endpoints = receivers_from_env(
            " https://a.internal/h , https://b.internal/h ",
            Some(SECRET),
            true,
        )
        .unwrap();
        assert_eq!(endpoints.len(), 2);
        assert_ne!(endpoints[0].id, endpoints[1].id);
        assert_eq!(endpoints[1].secrets.len(), 1);
        assert!(receivers_from_env("", None, true).unwrap().is_empty());
    }

    #[test]
    fn a_bad_url_secret_or_a_missing_secret_refuses_start_up() {
        assert!(matches!(
            receivers_from_env("http://a.internal/h", Some(SECRET), true),
            Err(ReceiversError::Url(EndpointError::Scheme { .. }))
        ));
        assert!(receivers_from_env("http://a.internal/h", Some(SECRET), false).is_ok());
        assert!(matches!(
            receivers_from_env("https://a.internal/h", Some("whsec_***"), true),
            Err(ReceiversError::Secret(_))
        ));
        assert_eq!(
            receivers_from_env("https://a.internal/h", None, true).unwrap_err(),
            ReceiversError::MissingSecret
        );
        let rotation = format!("{SECRET} whsec_{}", "QUFB".repeat(8));
        let endpoints = receivers_from_env("https://a.internal/h", Some(&rotation), true).unwrap();
        assert_eq!(endpoints[0].secrets.len(), 2);
        let shown = receivers_from_env("https://a.internal/h", Some("whsec_MfKQ9r8G"), true)
            .unwrap_err()
            .to_string();
        assert!(!shown.contains("MfKQ9r8G"), "{shown}");
    }
}

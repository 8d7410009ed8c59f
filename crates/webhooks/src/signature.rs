use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::Secret;

/// How far a delivery's `webhook-timestamp` may be from the receiver's clock, either way, in seconds
/// (the Standard Webhooks default): older deliveries are refused as possible replays.
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;

/// The three headers of a delivery, as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`: the event's id, the same on every retry (deduplicate on it).
    pub id: &'a str,
    /// `webhook-timestamp`: Unix seconds when this attempt was signed.
    pub timestamp: &'a str,
    /// `webhook-signature`: space-separated `v1,<base64>` entries.
    pub signature: &'a str,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header is empty or missing.
    #[error("missing {0} header")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a number of seconds.
    #[error("webhook-timestamp is not Unix seconds")]
    BadTimestamp,
    /// Signed longer ago than the tolerance: possibly a replay.
    #[error("webhook-timestamp is too old")]
    TooOld,
    /// Signed further in the future than the tolerance.
    #[error("webhook-timestamp is too far in the future")]
    TooNew,
    /// No `v1` entry matches any of the secrets.
    #[error("no matching signature")]
    NoMatch,
}

/// `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` for one secret.
pub fn sign(secret: &Secret, id: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "v1,{}",
        STANDARD.encode(mac(secret, id, &timestamp.to_string(), body))
    )
}

/// The `webhook-signature` value for every secret in use (several during a rotation), space separated.
pub fn signature_header(secrets: &[Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|secret| sign(secret, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a delivery: the timestamp within `tolerance_secs` of `now_unix`, and one `v1` signature made
/// with one of `secrets` over exactly `body` (the raw bytes received, before any JSON parsing).
/// Comparison is constant-time. Entries of other versions are ignored.
///
/// # Errors
/// See [`VerifyError`]; a receiver answers 4xx to any of them (not 410, which disables it).
pub fn verify(
    secrets: &[Secret],
    headers: &WebhookHeaders<'_>,
    body: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    if headers.id.is_empty() {
        return Err(VerifyError::MissingHeader("webhook-id"));
    }
    if headers.timestamp.is_empty() {
        return Err(VerifyError::MissingHeader("webhook-timestamp"));
    }
    if headers.signature.is_empty() {
        return Err(VerifyError::MissingHeader("webhook-signature"));
    }
    let timestamp: i64 = headers
        .timestamp
        .parse()
        .map_err(|_| VerifyError::BadTimestamp)?;
    if timestamp < now_unix.saturating_sub(tolerance_secs) {
        return Err(VerifyError::TooOld);
    }
    if timestamp > now_unix.saturating_add(tolerance_secs) {
        return Err(VerifyError::TooNew);
    }
    let candidates: Vec<Vec<u8>> = headers
        .signature
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| STANDARD.decode(encoded).ok())
        .collect();
    for secret in secrets {
        let expected = mac(secret, headers.id, headers.timestamp, body);
        if candidates
            .iter()
            .any(|candidate| bool::from(candidate.as_slice().ct_eq(&expected)))
        {
            return Ok(());
        }
    }
    Err(VerifyError::NoMatch)
}

#[expect(clippy::expect_used, reason = "HMAC takes keys of any length")]
fn mac(secret: &Secret, id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    // HMAC accepts a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256>>::new_from_slice(secret.key()).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

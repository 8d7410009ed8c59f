//! Identifiers in TikTok's shapes: random codes and tokens, and deterministic per-user ids.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;
use sha2::{Digest, Sha256};

fn random_alnum(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

fn random_digits() -> u32 {
    rand::rng().random_range(1000..10_000)
}

/// An authorization code shaped like TikTok's (`…*0!6410.u1`): it needs URL encoding in a callback.
pub(crate) fn authorization_code() -> String {
    format!("{}*0!{}.u1", random_alnum(48), random_digits())
}

/// An access token like `act.…!6425.va`.
pub(crate) fn access_token() -> String {
    format!("act.{}!{}.va", random_alnum(56), random_digits())
}

/// A refresh token like `rft.…!6432.va`.
pub(crate) fn refresh_token() -> String {
    format!("rft.{}!{}.va", random_alnum(56), random_digits())
}

/// A log id like TikTok's: a timestamp followed by upper-case hex.
pub(crate) fn log_id() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let noise: u128 = rand::rng().random();
    format!("{secs}{:024X}", noise >> 32)
}

fn uuid_like(seed: &str) -> String {
    let hex = hex::encode(Sha256::digest(seed.as_bytes()));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The user's `open_id` for this app: stable for a client key and username.
pub(crate) fn open_id(client_key: &str, username: &str) -> String {
    uuid_like(&format!("sandbox-open-id:{client_key}:{username}"))
}

/// The user's `union_id`: stable for a username, whatever the app.
pub(crate) fn union_id(username: &str) -> String {
    uuid_like(&format!("sandbox-union-id:{username}"))
}

/// A number from 0 to 99 999 derived from the username, to keep users' video ids apart.
pub(crate) fn user_seed(username: &str) -> u64 {
    let digest = Sha256::digest(username.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes) % 100_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tokens_carry_the_characters_that_need_encoding() {
        let code = authorization_code();
        assert!(code.contains('*') && code.contains('!') && code.contains('.'));
        assert!(access_token().starts_with("act."));
        assert!(refresh_token().starts_with("rft."));
        assert_ne!(access_token(), access_token());
    }

    #[test]
    fn open_ids_are_stable_per_app_and_user() {
        assert_eq!(open_id("k", "u"), open_id("k", "u"));
        assert_ne!(open_id("k", "u"), open_id("other", "u"));
        assert_eq!(open_id("k", "u").len(), 36);
        assert!(log_id().len() >= 30);
    }
}

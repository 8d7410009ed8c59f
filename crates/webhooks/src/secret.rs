use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// A signing secret: the base64-decoded part of `whsec_<base64>`. Never printed (Debug says `<redacted>`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    key: Vec<u8>,
}

/// Why a secret was refused. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Not `whsec_` followed by standard base64.
    #[error("a webhook secret must be whsec_ followed by base64")]
    Malformed,
    /// Decodes to fewer bytes than the floor (a guessable key).
    #[error("a webhook secret must decode to at least {0} bytes")]
    TooShort(usize),
}

impl Secret {
    /// The fewest key bytes accepted: the Standard Webhooks reference secrets are 24 bytes, generated ones 32.
    pub const MIN_BYTES: usize = 24;

    /// Reads `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    ///
    /// # Errors
    /// Not base64, or shorter than [`Secret::MIN_BYTES`].
    pub fn parse(raw: &str) -> Result<Self, SecretError> {
        let raw = raw.trim();
        let encoded = raw.strip_prefix(SECRET_PREFIX).unwrap_or(raw);
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| SecretError::Malformed)?;
        if key.len() < Self::MIN_BYTES {
            return Err(SecretError::TooShort(Self::MIN_BYTES));
        }
        Ok(Self { key })
    }

    /// A secret from raw key bytes (tests, generators).
    pub fn from_bytes(key: Vec<u8>) -> Self {
        Self { key }
    }

    /// The `whsec_…` form, for an operator to hand to a receiver.
    pub fn to_whsec(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.key))
    }

    pub(crate) fn key(&self) -> &[u8] {
        &self.key
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

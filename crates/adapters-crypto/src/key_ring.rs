//! The configured keys: parsed from `TOKEN_ENCRYPTION_KEY`, the first one active.

use std::fmt;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use rand::TryRngCore as _;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};

use crate::error::KeyRingError;

/// AES-256 key length in bytes.
const KEY_LEN: usize = 32;
/// Longest key id accepted.
const MAX_KID_LEN: usize = 32;
/// The development key's bytes: fixed, public and printable, so it is obvious wherever it shows up.
const DEVELOPMENT_KEY: &[u8; KEY_LEN] = b"DEVELOPMENT-ONLY-KEY-NOT-SECRET!";

/// Base64 with padding optional, in the standard and the URL-safe alphabets.
const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// One configured key: its id and its bytes, zeroized on drop.
pub(crate) struct Key {
    pub(crate) kid: String,
    pub(crate) secret: SecretBox<[u8; KEY_LEN]>,
}

/// The keys the cipher knows, in the order configured. The first one seals; all of them open.
///
/// `Debug` shows the key ids only; key bytes never leave this crate.
pub struct KeyRing {
    /// Never empty: `keys[0]` is the active key.
    keys: Vec<Key>,
}

impl KeyRing {
    /// `TOKEN_ENCRYPTION_KEY` holding [`KeyRing::development`]'s key, for `.env` examples and local runs.
    pub const DEVELOPMENT_KEY_ENTRY: &'static str =
        "dev:REVWRUxPUE1FTlQtT05MWS1LRVktTk9ULVNFQ1JFVCE=";

    /// Parses `TOKEN_ENCRYPTION_KEY`: comma-separated entries, each `base64(32 bytes)` or
    /// `kid:base64(32 bytes)`. The first entry is the active key; the others only open.
    ///
    /// A key without a kid gets the first 8 hex digits of the SHA-256 of its bytes, so that reordering
    /// the list never renames a key. Whitespace around entries is ignored.
    ///
    /// # Errors
    /// A [`KeyRingError`] naming the faulty entry, never its content.
    pub fn parse(raw: &SecretString) -> Result<Self, KeyRingError> {
        let raw = raw.expose_secret().trim();
        if raw.is_empty() {
            return Err(KeyRingError::Empty);
        }
        let mut keys: Vec<Key> = Vec::new();
        for (index, entry) in raw.split(',').enumerate() {
            let key = parse_entry(index + 1, entry.trim())?;
            if keys.iter().any(|k| k.kid == key.kid) {
                return Err(KeyRingError::DuplicateKid {
                    entry: index + 1,
                    kid: key.kid,
                });
            }
            keys.push(key);
        }
        Ok(Self { keys })
    }

    /// A ring holding only the fixed, public development key, under kid `dev`. Never use it in
    /// production: [`KeyRing::is_development`] lets callers refuse it.
    pub fn development() -> Self {
        let key = Key {
            kid: "dev".to_owned(),
            secret: SecretBox::init_with_mut(|k: &mut [u8; KEY_LEN]| *k = *DEVELOPMENT_KEY),
        };
        Self { keys: vec![key] }
    }

    /// A fresh key, 32 bytes from the operating system's generator, in standard base64: a value for
    /// `TOKEN_ENCRYPTION_KEY`.
    pub fn generate_key_base64() -> String {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        fill_random(key.as_mut());
        base64::engine::general_purpose::STANDARD.encode(key.as_ref())
    }

    /// Whether the active key is the development key (whatever kid it was given).
    pub fn is_development(&self) -> bool {
        self.active().secret.expose_secret() == DEVELOPMENT_KEY
    }

    /// Whether any key of the ring, active or retired, is the development key (whatever kid it was given):
    /// a ring that opens with a public key protects nothing it opens.
    pub fn contains_development(&self) -> bool {
        self.keys
            .iter()
            .any(|k| k.secret.expose_secret() == DEVELOPMENT_KEY)
    }

    /// The id of the key that seals.
    pub fn active_kid(&self) -> &str {
        &self.active().kid
    }

    /// Every key id, the active one first.
    pub fn kids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.kid.as_str()).collect()
    }

    pub(crate) fn active(&self) -> &Key {
        &self.keys[0]
    }

    pub(crate) fn find(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("active_kid", &self.active_kid())
            .field("kids", &self.kids())
            .finish()
    }
}

/// Whether `kid` is 1 to 32 characters of `[A-Za-z0-9_-]`.
pub(crate) fn is_valid_kid(kid: &str) -> bool {
    (1..=MAX_KID_LEN).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Fills `buf` from the OS generator, or from the thread's CSPRNG (seeded by the OS) if the OS fails.
pub(crate) fn fill_random(buf: &mut [u8]) {
    if rand::rngs::OsRng.try_fill_bytes(buf).is_err() {
        rand::RngCore::fill_bytes(&mut rand::rng(), buf);
    }
}

fn parse_entry(entry: usize, text: &str) -> Result<Key, KeyRingError> {
    if text.is_empty() {
        return Err(KeyRingError::EmptyEntry { entry });
    }
    let (kid, encoded) = match text.split_once(':') {
        Some((kid, encoded)) if is_valid_kid(kid.trim()) => (Some(kid.trim()), encoded.trim()),
        Some(_) => return Err(KeyRingError::InvalidKid { entry }),
        None => (None, text),
    };
    let bytes = Zeroizing::new(
        STANDARD
            .decode(encoded)
            .or_else(|_| URL_SAFE.decode(encoded))
            .map_err(|_| KeyRingError::InvalidBase64 { entry })?,
    );
    if bytes.len() != KEY_LEN {
        let len = bytes.len();
        return Err(KeyRingError::WrongLength { entry, len });
    }
    let kid = match kid {
        Some(kid) => kid.to_owned(),
        None => derived_kid(&bytes),
    };
    let secret = SecretBox::init_with_mut(|k: &mut [u8; KEY_LEN]| k.copy_from_slice(&bytes));
    Ok(Key { kid, secret })
}

/// The first 8 hex digits of SHA-256(key): `base64 -d <<< "$KEY" | sha256sum | cut -c1-8`.
fn derived_kid(key: &[u8]) -> String {
    Sha256::digest(key)[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;

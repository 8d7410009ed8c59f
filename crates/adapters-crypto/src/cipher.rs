//! `AesGcmTokenCipher`: the [`TokenCipher`] port over AES-256-GCM.

use aes_gcm::{AeadInPlace as _, Aes256Gcm, KeyInit as _, Nonce, Tag};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use tiktok_domain::ports::{CipherError, TokenCipher, TokenContext};
use tiktok_domain::SealedToken;

use crate::key_ring::{fill_random, is_valid_kid, Key, KeyRing};

/// The format's version prefix.
const PREFIX: &str = "v1.";
/// GCM's 96-bit nonce.
const NONCE_LEN: usize = 12;
/// GCM's 128-bit tag.
const TAG_LEN: usize = 16;

/// Seals tokens as `v1.<kid>.<base64url(nonce || ciphertext || tag)>` with AES-256-GCM, binding each one
/// to its row and column through [`TokenContext::associated_data`].
///
/// `Debug` shows the key ids only.
#[derive(Debug)]
pub struct AesGcmTokenCipher {
    ring: KeyRing,
}

impl AesGcmTokenCipher {
    /// A cipher that seals with the ring's active key and opens with any of its keys.
    pub fn new(ring: KeyRing) -> Self {
        Self { ring }
    }

    /// The keys in use (for logging the active kid, or refusing the development key).
    pub fn key_ring(&self) -> &KeyRing {
        &self.ring
    }
}

impl Key {
    fn aead(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.secret.expose_secret().into())
    }
}

/// Splits `v1.<kid>.<payload>` without decoding the payload.
fn split(sealed: &str) -> Option<(&str, &str)> {
    let (kid, payload) = sealed.strip_prefix(PREFIX)?.split_once('.')?;
    is_valid_kid(kid).then_some((kid, payload))
}

impl TokenCipher for AesGcmTokenCipher {
    fn seal(
        &self,
        plaintext: &SecretString,
        context: &TokenContext,
    ) -> Result<SealedToken, CipherError> {
        let key = self.ring.active();
        let plaintext = plaintext.expose_secret().as_bytes();
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce);

        // nonce || plaintext, encrypted in place, then the tag: one buffer, wiped on drop.
        let mut buffer = Zeroizing::new(Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN));
        buffer.extend_from_slice(&nonce);
        buffer.extend_from_slice(plaintext);
        let tag = key
            .aead()
            .encrypt_in_place_detached(
                Nonce::from_slice(&nonce),
                &context.associated_data(),
                &mut buffer[NONCE_LEN..],
            )
            // Only a plaintext beyond GCM's 64 GiB limit fails; no variant fits it better.
            .map_err(|_| CipherError::Malformed)?;
        buffer.extend_from_slice(&tag);

        let payload = URL_SAFE_NO_PAD.encode(buffer.as_slice());
        Ok(SealedToken::new(format!("{PREFIX}{}.{payload}", key.kid)))
    }

    fn open(
        &self,
        sealed: &SealedToken,
        context: &TokenContext,
    ) -> Result<SecretString, CipherError> {
        let (kid, payload) = split(sealed.as_str()).ok_or(CipherError::Malformed)?;
        let mut bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(payload)
                .map_err(|_| CipherError::Malformed)?,
        );
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(CipherError::Malformed);
        }
        let key = self.ring.find(kid).ok_or(CipherError::UnknownKey)?;

        let (nonce, rest) = bytes.split_at_mut(NONCE_LEN);
        let (text, tag) = rest.split_at_mut(rest.len() - TAG_LEN);
        key.aead()
            .decrypt_in_place_detached(
                Nonce::from_slice(nonce),
                &context.associated_data(),
                text,
                Tag::from_slice(tag),
            )
            .map_err(|_| CipherError::Tampered)?;
        // Authentic but not UTF-8: not something this cipher sealed from a `SecretString`.
        let text = std::str::from_utf8(text).map_err(|_| CipherError::Malformed)?;
        Ok(SecretString::from(text))
    }

    /// True when the token's `v1.<kid>.` prefix names a kid other than the active one (known or not).
    /// Reads the prefix only: false for the active kid and for text without a valid prefix.
    fn is_sealed_with_old_key(&self, sealed: &SealedToken) -> bool {
        split(sealed.as_str()).is_some_and(|(kid, _)| kid != self.ring.active_kid())
    }
}

#[cfg(test)]
mod rotation_tests;
#[cfg(test)]
mod tests;

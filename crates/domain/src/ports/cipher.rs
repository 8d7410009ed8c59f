use secrecy::SecretString;

use crate::account::{SealedToken, TokenKind};

/// Where a sealed token lives. It is bound into the ciphertext as associated data, so a ciphertext copied
/// to another row or another column does not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenContext {
    /// The row's stable key (the product user's id, or a pending authorization's fingerprint).
    pub owner: String,
    /// The column.
    pub kind: TokenKind,
}

impl TokenContext {
    /// The context of a token kept in `owner`'s row.
    pub fn new(owner: impl Into<String>, kind: TokenKind) -> Self {
        Self {
            owner: owner.into(),
            kind,
        }
    }

    /// The associated data: `tiktok-integration/v1/<column>/<owner>`.
    pub fn associated_data(&self) -> Vec<u8> {
        format!(
            "tiktok-integration/v1/{}/{}",
            self.kind.column(),
            self.owner
        )
        .into_bytes()
    }
}

/// Why a token could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    /// The key id in the sealed token names no configured key.
    #[error("the key that sealed this token is not configured")]
    UnknownKey,
    /// Authentication failed: the ciphertext was altered, or belongs to another row or column.
    #[error("the sealed token does not open in this context")]
    Tampered,
    /// The sealed text is not of the cipher's format.
    #[error("the sealed token is malformed")]
    Malformed,
}

/// Seals tokens before they reach storage and opens them when a TikTok call needs them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenCipher: Send + Sync {
    /// Seals with the active key and a fresh nonce.
    fn seal(
        &self,
        plaintext: &SecretString,
        context: &TokenContext,
    ) -> Result<SealedToken, CipherError>;

    /// Opens a token sealed by any configured key.
    ///
    /// # Errors
    /// MUST return [`CipherError::Tampered`] when the context differs from the one it was sealed with.
    fn open(
        &self,
        sealed: &SealedToken,
        context: &TokenContext,
    ) -> Result<SecretString, CipherError>;

    /// Whether the token was sealed by a key other than the active one (key rotation re-seals those).
    fn is_sealed_with_old_key(&self, sealed: &SealedToken) -> bool;
}

//! What can be wrong with `TOKEN_ENCRYPTION_KEY`.

/// Why `TOKEN_ENCRYPTION_KEY` could not be read. Entries are counted from 1; no message ever holds key
/// material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRingError {
    /// No entry at all.
    #[error("no token encryption key is configured: give at least one base64-encoded 32-byte key")]
    Empty,
    /// An entry is blank (two commas in a row, or a trailing comma).
    #[error("key entry {entry} is empty")]
    EmptyEntry {
        /// The entry's position, from 1.
        entry: usize,
    },
    /// The part before `:` is not a valid key id.
    #[error(
        "key entry {entry} has an invalid key id: use 1 to 32 characters among A-Z a-z 0-9 _ -"
    )]
    InvalidKid {
        /// The entry's position, from 1.
        entry: usize,
    },
    /// The key is not base64 (standard or URL-safe).
    #[error("key entry {entry} is not valid base64")]
    InvalidBase64 {
        /// The entry's position, from 1.
        entry: usize,
    },
    /// The key does not decode to 32 bytes.
    #[error("key entry {entry} decodes to {len} bytes, but AES-256 needs exactly 32")]
    WrongLength {
        /// The entry's position, from 1.
        entry: usize,
        /// How many bytes it decoded to.
        len: usize,
    },
    /// Two entries share a key id (given, or derived from the key).
    #[error("key entry {entry} repeats the key id `{kid}` of an earlier entry (give each key its own `kid:`)")]
    DuplicateKid {
        /// The entry's position, from 1.
        entry: usize,
        /// The repeated key id (key ids are public: every sealed token names one).
        kid: String,
    },
}

//! Validated value types. Every constructor is `parse`, and the error says which rule was broken.

use std::collections::BTreeSet;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Why a value was rejected; the text is safe to show to a caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} is invalid: {reason}")]
pub struct InvalidValue {
    /// The parameter's name as callers know it (`user_id`, `state`, …).
    pub field: &'static str,
    /// What rule the value broke.
    pub reason: &'static str,
}

impl InvalidValue {
    pub(crate) fn new(field: &'static str, reason: &'static str) -> Self {
        Self { field, reason }
    }
}

/// The id of a user in the product's own user system: 1 to 128 characters from `A-Z a-z 0-9 . _ : @ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    /// Longest accepted id, in characters.
    pub const MAX_LEN: usize = 128;

    /// Checks the product's user-id rules.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            return Err(InvalidValue::new(
                "user_id",
                "must be 1 to 128 characters long",
            ));
        }
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '@' | '-');
        if !raw.chars().all(allowed) {
            return Err(InvalidValue::new(
                "user_id",
                "may contain only A-Z a-z 0-9 . _ : @ -",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The id as the product spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// TikTok's `open_id`: the creator's id for this app (the product calls it `tiktok_user_id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OpenId(String);

impl OpenId {
    /// Accepts any non-empty id of at most 256 characters; TikTok documents no format.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        if raw.trim().is_empty() || raw.len() > 256 {
            return Err(InvalidValue::new(
                "open_id",
                "must be 1 to 256 characters long",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The id as TikTok sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OpenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One TikTok OAuth scope, such as `user.info.stats`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope(String);

impl Scope {
    /// `user.info.basic`: open_id, union_id, avatar and display name.
    pub const USER_INFO_BASIC: &'static str = "user.info.basic";
    /// `user.info.profile`: username, bio, verified badge, profile link.
    pub const USER_INFO_PROFILE: &'static str = "user.info.profile";
    /// `user.info.stats`: follower, following, likes and video counts.
    pub const USER_INFO_STATS: &'static str = "user.info.stats";
    /// `video.list`: the creator's public videos.
    pub const VIDEO_LIST: &'static str = "video.list";

    /// Accepts `[a-z0-9._]`, 1 to 64 characters: the shape of every scope TikTok documents.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
        if !ok {
            return Err(InvalidValue::new(
                "scope",
                "must be 1 to 64 characters from a-z 0-9 . _",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The scope's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A set of scopes, kept sorted so that it prints and compares the same way every time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    /// Parses TikTok's comma-separated list (`scope` in token answers, `scopes` on the callback).
    /// Blank items are skipped; an item of the wrong shape rejects the whole list.
    pub fn parse_comma_separated(raw: &str) -> Result<Self, InvalidValue> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Scope::parse)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Self)
    }

    /// Whether the set holds the scope of that name.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == name)
    }

    /// The names, in sorted order.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// TikTok's comma-separated form.
    pub fn to_comma_separated(&self) -> String {
        self.names().join(",")
    }

    /// Whether no scope is in the set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The set without the scope of that name.
    pub fn without(&self, name: &str) -> Scopes {
        Scopes(
            self.0
                .iter()
                .filter(|s| s.as_str() != name)
                .cloned()
                .collect(),
        )
    }
}

/// A redirect URI exactly as configured. It is compared byte for byte, never normalised,
/// because TikTok requires the same string at the authorize and the token step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Accepts an absolute `http(s)` URI of fewer than 512 characters with no fragment (TikTok's rules).
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let field = "redirect_uri";
        if raw.is_empty() || raw.len() >= 512 {
            return Err(InvalidValue::new(field, "must be 1 to 511 characters long"));
        }
        if !(raw.starts_with("https://") || raw.starts_with("http://")) {
            return Err(InvalidValue::new(field, "must be an absolute http(s) URI"));
        }
        if raw.contains('#') || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidValue::new(
                field,
                "must have no fragment and no white space",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The URI, byte for byte as configured.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The OAuth `state`: at least 128 random bits, single use, bound to a user and a redirect URI.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthState(String);

impl OAuthState {
    /// Longest state accepted on the callback; ours are 43 characters.
    pub const MAX_LEN: usize = 128;

    /// A fresh state of 256 random bits from a CSPRNG, base62.
    pub fn generate() -> Self {
        Self(random_token(43))
    }

    /// Accepts a state sent back by a caller, before it is looked up.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw.chars().all(|c| c.is_ascii_graphic());
        if !ok {
            return Err(InvalidValue::new(
                "state",
                "must be 1 to 128 printable ASCII characters",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The state as sent to TikTok.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// SHA-256 of the state in hex: what storage keeps, so that a database dump holds no live state.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OAuthState([REDACTED])")
    }
}

/// Random characters from `A-Z a-z 0-9` (5.95 bits each) drawn from a CSPRNG seeded by the OS.
pub(crate) fn random_token(len: usize) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    // ThreadRng is a CSPRNG (ChaCha12) seeded and reseeded from the operating system.
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

/// The authorization code from TikTok's callback, already URL-decoded once.
#[derive(Clone)]
pub struct AuthorizationCode(SecretString);

impl AuthorizationCode {
    /// Accepts 1 to 1024 printable ASCII characters (real codes contain `*`, `!` and `.`).
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ok = !raw.is_empty() && raw.len() <= 1024 && raw.chars().all(|c| c.is_ascii_graphic());
        if !ok {
            return Err(InvalidValue::new(
                "code",
                "must be 1 to 1024 printable ASCII characters",
            ));
        }
        Ok(Self(SecretString::from(raw.to_owned())))
    }

    /// The code, for the token request only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode([REDACTED])")
    }
}

/// A PKCE verifier (43 to 128 characters of `[A-Za-z0-9-._~]`) and TikTok's hex S256 challenge of it.
#[derive(Clone)]
pub struct CodeVerifier(SecretString);

impl CodeVerifier {
    /// A fresh verifier of 64 random characters.
    pub fn generate() -> Self {
        Self(SecretString::from(random_token(64)))
    }

    /// Wraps a stored verifier.
    pub fn from_secret(secret: SecretString) -> Self {
        Self(secret)
    }

    /// The verifier, for the token request only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The verifier as a secret, for sealing.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// TikTok's challenge: lowercase hex of SHA-256 of the verifier (not RFC 7636's base64url).
    pub fn challenge_hex_s256(&self) -> String {
        hex::encode(Sha256::digest(self.0.expose_secret().as_bytes()))
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier([REDACTED])")
    }
}

/// A TikTok access token. `Debug` redacts it; only [`AccessToken::expose`] shows it.
#[derive(Clone)]
pub struct AccessToken(SecretString);

/// A TikTok refresh token. TikTok rotates them: the newest one is the only one that works.
#[derive(Clone)]
pub struct RefreshToken(SecretString);

macro_rules! secret_token {
    ($name:ident) => {
        impl $name {
            /// Wraps a token received from TikTok or opened by the cipher.
            pub fn new(secret: SecretString) -> Self {
                Self(secret)
            }
            /// The token, for the one request that needs it.
            pub fn expose(&self) -> &str {
                self.0.expose_secret()
            }
            /// The token as a secret, for sealing.
            pub fn secret(&self) -> &SecretString {
                &self.0
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([REDACTED])"))
            }
        }
    };
}
secret_token!(AccessToken);
secret_token!(RefreshToken);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_accepts_the_documented_alphabet_and_rejects_anything_else() {
        assert!(UserId::parse("user:42@team.example_a-b").is_ok());
        assert!(UserId::parse(&"a".repeat(128)).is_ok());
        for bad in ["", " ", "a b", "a/b", "ü", "a%2F", &"a".repeat(129)] {
            assert!(UserId::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn scopes_parse_tiktoks_comma_list_and_print_sorted() {
        let scopes =
            Scopes::parse_comma_separated("video.list, user.info.basic,,user.info.stats").unwrap();
        assert_eq!(
            scopes.to_comma_separated(),
            "user.info.basic,user.info.stats,video.list"
        );
        assert!(scopes.contains("video.list"));
        assert!(!scopes.contains("user.info.profile"));
        assert!(Scopes::parse_comma_separated("user.info.basic,DROP TABLE").is_err());
    }

    #[test]
    fn redirect_uri_rejects_fragments_relative_and_overlong_uris() {
        assert!(RedirectUri::parse("https://app.example/cb").is_ok());
        assert!(RedirectUri::parse("/cb").is_err());
        assert!(RedirectUri::parse("https://app.example/cb#x").is_err());
        assert!(RedirectUri::parse(&format!("https://a/{}", "x".repeat(600))).is_err());
    }

    #[test]
    fn generated_states_are_long_random_and_distinct() {
        let a = OAuthState::generate();
        let b = OAuthState::generate();
        assert_ne!(a, b);
        // 43 base62 characters carry 43 * 5.95 ≈ 256 bits.
        assert_eq!(a.as_str().len(), 43);
        assert_eq!(a.fingerprint().len(), 64);
        assert_ne!(a.fingerprint(), a.as_str());
        assert_eq!(format!("{a:?}"), "OAuthState([REDACTED])");
    }

    #[test]
    fn pkce_challenge_is_tiktoks_hex_sha256_of_the_verifier() {
        let verifier = CodeVerifier::from_secret(SecretString::from("abc".to_owned()));
        assert_eq!(
            verifier.challenge_hex_s256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(CodeVerifier::generate().expose().len(), 64);
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let token = AccessToken::new(SecretString::from("act.secret".to_owned()));
        assert!(!format!("{token:?}").contains("act.secret"));
        let code = AuthorizationCode::parse("abc*0!6410").unwrap();
        assert!(!format!("{code:?}").contains("abc"));
    }
}

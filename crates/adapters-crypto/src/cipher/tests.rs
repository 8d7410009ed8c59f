use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rand::Rng as _;
use secrecy::{ExposeSecret, SecretString};
use tiktok_domain::ports::{CipherError, TokenCipher, TokenContext};
use tiktok_domain::{SealedToken, TokenKind};

use super::*;

/// A cipher over `entries`, where each entry is `kid:byte` and the key is 32 copies of that byte.
pub(super) fn cipher(entries: &[(&str, u8)]) -> AesGcmTokenCipher {
    let raw: Vec<String> = entries
        .iter()
        .map(|(kid, byte)| format!("{kid}:{}", STANDARD.encode([*byte; 32])))
        .collect();
    AesGcmTokenCipher::new(KeyRing::parse(&SecretString::from(raw.join(","))).unwrap())
}

pub(super) fn access(owner: &str) -> TokenContext {
    TokenContext::new(owner, TokenKind::Access)
}

pub(super) fn seal(
    cipher: &AesGcmTokenCipher,
    plaintext: &str,
    context: &TokenContext,
) -> SealedToken {
    cipher
        .seal(&SecretString::from(plaintext), context)
        .unwrap()
}

pub(super) fn open(
    cipher: &AesGcmTokenCipher,
    sealed: &str,
    context: &TokenContext,
) -> Result<String, CipherError> {
    let opened = cipher.open(&SealedToken::new(sealed.to_owned()), context)?;
    Ok(opened.expose_secret().to_owned())
}

#[test]
fn a_sealed_token_opens_to_the_same_plaintext() {
    let cipher = cipher(&[("k1", 1)]);
    for plaintext in ["act.1234567890abcdef", "", "ünïcödé ✓", &"x".repeat(4096)] {
        let sealed = seal(&cipher, plaintext, &access("user-1"));
        assert_eq!(
            open(&cipher, sealed.as_str(), &access("user-1")).unwrap(),
            plaintext
        );
    }
}

#[test]
fn a_sealed_token_is_ascii_v1_kid_and_base64url_of_nonce_ciphertext_and_tag() {
    let sealed = seal(&cipher(&[("k1", 1)]), "secret-token", &access("user-1"));
    let text = sealed.as_str();
    assert!(text.is_ascii() && !text.contains("secret-token"));
    let parts: Vec<&str> = text.split('.').collect();
    assert_eq!(parts[..2], ["v1", "k1"]);
    let payload = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    assert_eq!(payload.len(), 12 + "secret-token".len() + 16);
}

#[test]
fn two_seals_of_the_same_plaintext_differ() {
    let cipher = cipher(&[("k1", 1)]);
    let one = seal(&cipher, "same", &access("user-1"));
    let two = seal(&cipher, "same", &access("user-1"));
    assert_ne!(one.as_str(), two.as_str());
    assert_ne!(
        one.as_str().split('.').nth(2).unwrap()[..16],
        two.as_str().split('.').nth(2).unwrap()[..16]
    );
}

#[test]
fn a_token_does_not_open_for_another_owner() {
    let cipher = cipher(&[("k1", 1)]);
    let sealed = seal(&cipher, "token", &access("user-1"));
    let err = open(&cipher, sealed.as_str(), &access("user-2")).unwrap_err();
    assert!(matches!(err, CipherError::Tampered));
}

#[test]
fn a_token_does_not_open_in_another_column() {
    let cipher = cipher(&[("k1", 1)]);
    let sealed = seal(&cipher, "token", &access("user-1"));
    for kind in [TokenKind::Refresh, TokenKind::CodeVerifier] {
        let err = open(&cipher, sealed.as_str(), &TokenContext::new("user-1", kind)).unwrap_err();
        assert!(matches!(err, CipherError::Tampered));
    }
}

#[test]
fn a_token_with_any_flipped_byte_is_tampered() {
    let cipher = cipher(&[("k1", 1)]);
    let sealed = seal(&cipher, "token", &access("user-1"));
    let payload = URL_SAFE_NO_PAD
        .decode(sealed.as_str().split('.').nth(2).unwrap())
        .unwrap();
    for index in 0..payload.len() {
        let mut altered = payload.clone();
        altered[index] ^= 0x01;
        let text = format!("v1.k1.{}", URL_SAFE_NO_PAD.encode(&altered));
        assert!(matches!(
            open(&cipher, &text, &access("user-1")),
            Err(CipherError::Tampered)
        ));
    }
}

#[test]
fn a_token_sealed_under_an_unknown_kid_reports_unknown_key() {
    let sealed = seal(&cipher(&[("a", 1)]), "token", &access("user-1"));
    let err = open(&cipher(&[("b", 2)]), sealed.as_str(), &access("user-1")).unwrap_err();
    assert!(matches!(err, CipherError::UnknownKey));
}

#[test]
fn a_token_sealed_by_another_key_under_the_same_kid_is_tampered() {
    let sealed = seal(&cipher(&[("a", 1)]), "token", &access("user-1"));
    let err = open(&cipher(&[("a", 2)]), sealed.as_str(), &access("user-1")).unwrap_err();
    assert!(matches!(err, CipherError::Tampered));
}

#[test]
fn text_that_is_not_a_sealed_token_is_malformed() {
    let cipher = cipher(&[("k1", 1)]);
    let short = URL_SAFE_NO_PAD.encode([0u8; 27]);
    let garbage = [
        "",
        ".",
        "..",
        "v1",
        "v1.",
        "v1..",
        "v1.k1",
        "v1.k1.",
        "v2.k1.AAAA",
        "V1.k1.AAAA",
        "v1.k 1.AAAA",
        "v1.k1.AAAA.AAAA",
        "v1.k1.@@@@",
        "v1.k1.AAAA=",
        "v1.k1.A",
        "\u{0}",
        "v1.ké.AAAA",
        "plain-token-stored-before-encryption",
        &format!("v1.k1.{short}"),
        &format!("v1.unknown.{short}"),
        &format!("v1.{}.{short}", "k".repeat(33)),
    ];
    for text in garbage {
        let result = open(&cipher, text, &access("user-1"));
        assert!(
            matches!(result, Err(CipherError::Malformed)),
            "{text:?}: {result:?}"
        );
        // Only the prefix and the kid are read: a well-formed foreign kid counts as old.
        let old = cipher.is_sealed_with_old_key(&SealedToken::new(text.to_owned()));
        assert_eq!(old, text.starts_with("v1.unknown."), "{text:?}");
    }
}

#[test]
fn random_strings_never_open_and_never_panic() {
    let cipher = cipher(&[("k1", 1)]);
    let mut rng = rand::rng();
    let alphabet = b"v1.k1.ABCxyz019-_=+/\0\xff";
    for round in 0..5_000 {
        let len = rng.random_range(0..80);
        let bytes: Vec<u8> = if round % 2 == 0 {
            (0..len).map(|_| rng.random()).collect()
        } else {
            (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect()
        };
        let text = format!(
            "{}{}",
            ["", "v1.", "v1.k1."][round % 3],
            String::from_utf8_lossy(&bytes)
        );
        assert!(open(&cipher, &text, &access("user-1")).is_err(), "{text:?}");
        let _ = cipher.is_sealed_with_old_key(&SealedToken::new(text));
    }
}

#[test]
fn debug_of_the_cipher_shows_kids_only_and_errors_hold_no_plaintext() {
    let cipher = cipher(&[("new", 0xab), ("old", 0xcd)]);
    let debug = format!("{cipher:?}");
    assert!(debug.contains("\"new\"") && debug.contains("\"old\""));
    assert!(!debug.contains(&STANDARD.encode([0xab_u8; 32])) && !debug.contains("171"));

    let sealed = seal(&cipher, "plaintext-token", &access("user-1"));
    let err = open(&cipher, sealed.as_str(), &access("user-2")).unwrap_err();
    for shown in [err.to_string(), format!("{err:?}"), format!("{sealed:?}")] {
        assert!(!shown.contains("plaintext-token"), "{shown}");
    }
}

//! Key rotation: a ring with the old key after the new one opens and flags old tokens.

use base64::engine::general_purpose::STANDARD;
use secrecy::SecretString;
use tiktok_domain::ports::{CipherError, TokenCipher, TokenContext};
use tiktok_domain::TokenKind;

use super::tests::{access, cipher, open, seal};
use super::*;

#[test]
fn a_rotated_ring_opens_old_tokens_flags_them_and_re_sealing_clears_the_flag() {
    let old = cipher(&[("old", 1)]);
    let rotated = cipher(&[("new", 2), ("old", 1)]);
    let context = TokenContext::new("user-1", TokenKind::Refresh);
    let sealed = seal(&old, "refresh-token", &context);
    assert!(!old.is_sealed_with_old_key(&sealed));

    assert!(rotated.is_sealed_with_old_key(&sealed));
    assert_eq!(
        open(&rotated, sealed.as_str(), &context).unwrap(),
        "refresh-token"
    );

    let resealed = seal(&rotated, "refresh-token", &context);
    assert!(resealed.as_str().starts_with("v1.new."));
    assert!(!rotated.is_sealed_with_old_key(&resealed));
    assert_eq!(
        open(&rotated, resealed.as_str(), &context).unwrap(),
        "refresh-token"
    );

    let old_removed = cipher(&[("new", 2)]);
    assert!(matches!(
        open(&old_removed, sealed.as_str(), &context),
        Err(CipherError::UnknownKey)
    ));
    assert_eq!(
        open(&old_removed, resealed.as_str(), &context).unwrap(),
        "refresh-token"
    );
}

#[test]
fn rotation_works_with_derived_kids_too() {
    let (one, two) = (STANDARD.encode([1u8; 32]), STANDARD.encode([2u8; 32]));
    let ring =
        |raw: String| AesGcmTokenCipher::new(KeyRing::parse(&SecretString::from(raw)).unwrap());
    let old = ring(one.clone());
    let rotated = ring(format!("{two},{one}"));
    let sealed = seal(&old, "token", &access("user-1"));
    assert!(rotated.is_sealed_with_old_key(&sealed));
    assert_eq!(
        open(&rotated, sealed.as_str(), &access("user-1")).unwrap(),
        "token"
    );
}

#[test]
fn tokens_sealed_by_the_development_ring_open_with_the_development_entry() {
    let dev = AesGcmTokenCipher::new(KeyRing::development());
    let sealed = seal(&dev, "token", &access("user-1"));
    assert!(sealed.as_str().starts_with("v1.dev."));
    let entry = SecretString::from(KeyRing::DEVELOPMENT_KEY_ENTRY);
    let parsed = AesGcmTokenCipher::new(KeyRing::parse(&entry).unwrap());
    assert_eq!(
        open(&parsed, sealed.as_str(), &access("user-1")).unwrap(),
        "token"
    );
}

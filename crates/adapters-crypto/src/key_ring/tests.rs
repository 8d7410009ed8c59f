use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use secrecy::SecretString;

use super::*;

/// A key of 32 copies of `byte`, in standard base64.
fn key(byte: u8) -> String {
    STANDARD.encode([byte; KEY_LEN])
}

fn parse(raw: &str) -> Result<KeyRing, KeyRingError> {
    KeyRing::parse(&SecretString::from(raw))
}

#[test]
fn the_first_entry_is_active_and_every_kid_is_listed_in_order() {
    let ring = parse(&format!("new:{}, old:{} ,older:{}", key(1), key(2), key(3))).unwrap();
    assert_eq!(ring.active_kid(), "new");
    assert_eq!(ring.kids(), ["new", "old", "older"]);
}

#[test]
fn a_key_without_kid_is_named_by_the_first_8_hex_digits_of_its_sha256() {
    let ring = parse("REVWRUxPUE1FTlQtT05MWS1LRVktTk9ULVNFQ1JFVCE=").unwrap();
    // printf 'DEVELOPMENT-ONLY-KEY-NOT-SECRET!' | sha256sum
    assert_eq!(ring.active_kid(), "ae8282bb");
}

#[test]
fn a_derived_kid_does_not_change_when_the_keys_are_reordered() {
    let one = parse(&format!("{},{}", key(1), key(2))).unwrap();
    let two = parse(&format!("{},{}", key(2), key(1))).unwrap();
    assert_eq!(one.kids()[0], two.kids()[1]);
    assert_eq!(one.kids()[1], two.kids()[0]);
}

#[test]
fn url_safe_and_unpadded_base64_are_accepted() {
    let bytes = [0xfb_u8; KEY_LEN]; // encodes with '+' and '/' in standard base64
    assert!(STANDARD.encode(bytes).contains('+'));
    let ring = parse(&format!("a:{},b:{}", URL_SAFE_NO_PAD.encode(bytes), key(1))).unwrap();
    assert_eq!(ring.kids(), ["a", "b"]);
}

#[test]
fn an_empty_or_blank_value_is_refused() {
    assert_eq!(parse("").unwrap_err(), KeyRingError::Empty);
    assert_eq!(parse("  \n").unwrap_err(), KeyRingError::Empty);
}

#[test]
fn an_empty_entry_is_refused_with_its_position() {
    let err = parse(&format!("{},,{}", key(1), key(2))).unwrap_err();
    assert_eq!(err, KeyRingError::EmptyEntry { entry: 2 });
    let err = parse(&format!("{},", key(1))).unwrap_err();
    assert_eq!(err, KeyRingError::EmptyEntry { entry: 2 });
}

#[test]
fn a_kid_outside_the_allowed_characters_or_length_is_refused() {
    for kid in ["", "has space", "dot.ted", "é", &"k".repeat(33)] {
        let err = parse(&format!("{}, {kid}:{}", key(1), key(2))).unwrap_err();
        assert_eq!(err, KeyRingError::InvalidKid { entry: 2 }, "kid {kid:?}");
    }
    assert!(parse(&format!("{}:{}", "K_-9".repeat(8), key(1))).is_ok());
}

#[test]
fn bad_base64_is_refused_without_echoing_the_entry() {
    let err = parse("k:not*base64*at-all!").unwrap_err();
    assert_eq!(err, KeyRingError::InvalidBase64 { entry: 1 });
    assert_no_leak(&err, &["not*base64*at-all!", "base64*"]);
}

#[test]
fn a_key_of_the_wrong_length_is_refused_without_echoing_it() {
    let short = STANDARD.encode(b"sixteen-byte-key");
    let err = parse(&format!("{},{short}", key(1))).unwrap_err();
    assert_eq!(err, KeyRingError::WrongLength { entry: 2, len: 16 });
    assert_no_leak(&err, &[&short, "sixteen-byte-key"]);
}

#[test]
fn a_repeated_kid_is_refused_without_echoing_either_key() {
    let err = parse(&format!("a:{},a:{}", key(1), key(2))).unwrap_err();
    assert_eq!(
        err,
        KeyRingError::DuplicateKid {
            entry: 2,
            kid: "a".into()
        }
    );
    assert_no_leak(&err, &[&key(1), &key(2)]);
    // The same key twice without kids derives the same kid.
    let err = parse(&format!("{},{}", key(1), key(1))).unwrap_err();
    assert!(matches!(err, KeyRingError::DuplicateKid { entry: 2, .. }));
    assert_no_leak(&err, &[&key(1)]);
}

#[test]
fn the_development_ring_is_recognized_whatever_its_kid() {
    let dev = KeyRing::development();
    assert!(dev.is_development());
    assert_eq!(dev.active_kid(), "dev");
    let parsed = parse(KeyRing::DEVELOPMENT_KEY_ENTRY).unwrap();
    assert!(parsed.is_development());
    assert_eq!(parsed.active_kid(), "dev");
    assert!(parse("REVWRUxPUE1FTlQtT05MWS1LRVktTk9ULVNFQ1JFVCE=")
        .unwrap()
        .is_development());
}

#[test]
fn a_ring_whose_active_key_is_not_the_development_key_is_not_development() {
    let entry = format!("{},{}", key(1), KeyRing::DEVELOPMENT_KEY_ENTRY);
    assert!(!parse(&entry).unwrap().is_development());
}

#[test]
fn the_development_key_is_found_anywhere_in_the_ring_whatever_its_kid() {
    let retired = parse(&format!("{},{}", key(1), KeyRing::DEVELOPMENT_KEY_ENTRY)).unwrap();
    assert!(retired.contains_development());
    let renamed = parse(&format!(
        "{},{},old:REVWRUxPUE1FTlQtT05MWS1LRVktTk9ULVNFQ1JFVCE=",
        key(1),
        key(2)
    ))
    .unwrap();
    assert!(renamed.contains_development());
    assert!(KeyRing::development().contains_development());
    assert!(!parse(&format!("{},{}", key(1), key(2)))
        .unwrap()
        .contains_development());
}

#[test]
fn generated_keys_parse_as_32_bytes_and_differ() {
    let one = KeyRing::generate_key_base64();
    let two = KeyRing::generate_key_base64();
    assert_eq!(one.len(), 44);
    assert_ne!(one, two);
    let ring = parse(&format!("{one},{two}")).unwrap();
    assert!(!ring.is_development());
    assert_eq!(ring.kids().len(), 2);
}

#[test]
fn debug_of_a_key_ring_shows_kids_and_no_key_material() {
    let ring = parse(&format!("new:{},{}", key(0xab), key(0xcd))).unwrap();
    let derived = ring.kids()[1].to_owned();
    let debug = format!("{ring:?}");
    assert_eq!(
        debug,
        format!("KeyRing {{ active_kid: \"new\", kids: [\"new\", \"{derived}\"] }}")
    );
    assert_no_leak(
        &debug,
        &[&key(0xab), &key(0xcd), "171", "205", "ab, ", "AB"],
    );
    let dev = format!("{:?}", KeyRing::development());
    assert_no_leak(&dev, &["DEVELOPMENT-ONLY", "REVWRUxP"]);
}

/// Neither `Display` nor `Debug` of `shown` contains any of `secrets`.
fn assert_no_leak(shown: &(impl std::fmt::Display + std::fmt::Debug), secrets: &[&str]) {
    for text in [shown.to_string(), format!("{shown:?}")] {
        for secret in secrets {
            assert!(!text.contains(secret), "{text:?} contains {secret:?}");
        }
    }
}

//! The Standard Webhooks reference vector (from the specification's test suite) and the rules around it:
//! tolerance window, several signatures, rotation, other versions ignored, raw body.
#![cfg(test)]

use tiktok_events::{
    sign, signature_header, verify, Envelope, ReasonData, Secret, SecretError, VerifyError,
    WebhookHeaders, DEFAULT_TOLERANCE_SECS,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: i64 = 1_614_265_330;
const BODY: &str = r#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn secret() -> Secret {
    Secret::parse(SECRET).unwrap()
}

fn check(signature: &str, body: &str, now: i64) -> Result<(), VerifyError> {
    verify(
        &[secret()],
        &WebhookHeaders {
            id: ID,
            timestamp: &TIMESTAMP.to_string(),
            signature,
        },
        body.as_bytes(),
        now,
        DEFAULT_TOLERANCE_SECS,
    )
}

#[test]
fn signing_the_reference_message_gives_the_reference_signature() {
    assert_eq!(sign(&secret(), ID, TIMESTAMP, BODY.as_bytes()), SIGNATURE);
    let bare = Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(sign(&bare, ID, TIMESTAMP, BODY.as_bytes()), SIGNATURE);
}

#[test]
fn the_reference_signature_verifies() {
    assert_eq!(check(SIGNATURE, BODY, TIMESTAMP), Ok(()));
}

#[test]
fn a_changed_body_or_id_is_refused() {
    assert_eq!(
        check(SIGNATURE, r#"{"test": 2432232315}"#, TIMESTAMP),
        Err(VerifyError::NoMatch)
    );
    assert_eq!(
        check(SIGNATURE, r#"{"test":2432232314}"#, TIMESTAMP),
        Err(VerifyError::NoMatch),
        "the raw body counts, not its JSON value"
    );
    let other_id = verify(
        &[secret()],
        &WebhookHeaders {
            id: "msg_other",
            timestamp: &TIMESTAMP.to_string(),
            signature: SIGNATURE,
        },
        BODY.as_bytes(),
        TIMESTAMP,
        DEFAULT_TOLERANCE_SECS,
    );
    assert_eq!(other_id, Err(VerifyError::NoMatch));
}

#[test]
fn a_wrong_secret_is_refused() {
    let wrong = Secret::from_bytes(vec![7; 32]);
    let result = verify(
        &[wrong],
        &WebhookHeaders {
            id: ID,
            timestamp: &TIMESTAMP.to_string(),
            signature: SIGNATURE,
        },
        BODY.as_bytes(),
        TIMESTAMP,
        DEFAULT_TOLERANCE_SECS,
    );
    assert_eq!(result, Err(VerifyError::NoMatch));
}

#[test]
fn timestamps_outside_the_tolerance_are_refused_both_ways() {
    assert_eq!(check(SIGNATURE, BODY, TIMESTAMP + 300), Ok(()));
    assert_eq!(check(SIGNATURE, BODY, TIMESTAMP - 300), Ok(()));
    assert_eq!(
        check(SIGNATURE, BODY, TIMESTAMP + 301),
        Err(VerifyError::TooOld)
    );
    assert_eq!(
        check(SIGNATURE, BODY, TIMESTAMP - 301),
        Err(VerifyError::TooNew)
    );
}

#[test]
fn one_matching_entry_among_several_passes_and_other_versions_are_ignored() {
    let several =
        format!("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SIGNATURE} v1,bm90IGJhc2U2NA");
    assert_eq!(check(&several, BODY, TIMESTAMP), Ok(()));
    let other_version = SIGNATURE.replacen("v1,", "v2,", 1);
    assert_eq!(
        check(&other_version, BODY, TIMESTAMP),
        Err(VerifyError::NoMatch)
    );
    assert_eq!(
        check(
            "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            BODY,
            TIMESTAMP
        ),
        Err(VerifyError::NoMatch)
    );
}

#[test]
fn during_a_rotation_either_secret_verifies_and_the_sender_signs_with_both() {
    let old = secret();
    let new = Secret::from_bytes((0u8..32).collect());
    let header = signature_header(&[new.clone(), old.clone()], ID, TIMESTAMP, BODY.as_bytes());
    assert_eq!(header.split(' ').count(), 2);
    for receiver_secrets in [vec![old.clone()], vec![new.clone()], vec![new, old]] {
        let result = verify(
            &receiver_secrets,
            &WebhookHeaders {
                id: ID,
                timestamp: &TIMESTAMP.to_string(),
                signature: &header,
            },
            BODY.as_bytes(),
            TIMESTAMP,
            DEFAULT_TOLERANCE_SECS,
        );
        assert_eq!(result, Ok(()));
    }
}

#[test]
fn missing_or_malformed_headers_are_refused() {
    let headers = |id, timestamp, signature| WebhookHeaders {
        id,
        timestamp,
        signature,
    };
    let run = |h: WebhookHeaders<'_>| verify(&[secret()], &h, BODY.as_bytes(), TIMESTAMP, 300);
    assert_eq!(
        run(headers("", "1614265330", SIGNATURE)),
        Err(VerifyError::MissingHeader("webhook-id"))
    );
    assert_eq!(
        run(headers(ID, "", SIGNATURE)),
        Err(VerifyError::MissingHeader("webhook-timestamp"))
    );
    assert_eq!(
        run(headers(ID, "1614265330", "")),
        Err(VerifyError::MissingHeader("webhook-signature"))
    );
    assert_eq!(
        run(headers(ID, "soon", SIGNATURE)),
        Err(VerifyError::BadTimestamp)
    );
}

#[test]
fn secrets_must_be_base64_and_long_enough_and_never_print() {
    assert_eq!(Secret::parse("whsec_***"), Err(SecretError::Malformed));
    assert_eq!(
        Secret::parse("whsec_c2hvcnQ="),
        Err(SecretError::TooShort(24))
    );
    assert_eq!(format!("{:?}", secret()), "Secret(<redacted>)");
    assert_eq!(secret().to_whsec(), SECRET);
}

#[test]
fn an_envelope_parses_with_typed_data() {
    let body = br#"{"id":"evt_01JEJ0000000000000000000AB","type":"tiktok.account.disconnected","user_id":"u1","occurred_at":"2026-12-04T12:00:00.000Z","data":{"reason":"user_request"}}"#;
    let envelope = Envelope::from_slice(body).unwrap();
    assert_eq!(envelope.event_type, tiktok_events::types::DISCONNECTED);
    assert_eq!(
        envelope.data_as::<ReasonData>().unwrap().reason,
        "user_request"
    );
}

//! Identity claims that hold: with `AUTH_JWT_ISSUER` and `AUTH_JWT_AUDIENCE` configured, `iss` and `aud` are
//! required (not only checked when present); an `aud` array that contains ours is accepted (RFC 7519 §4.1.3);
//! and a token whose `nbf` is still in the future is refused, with the same 30 s leeway as `exp`.

use reqwest::Method;
use serde_json::{json, Value};
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::{Backend, TestApp, JWT_SECRET};

const STATUS: &str = "/api/v1/integrations/tiktok/status/42";
const ISSUER: &str = "https://users.example";
const AUDIENCE: &str = "tiktok-integration";

on_both_backends!(
    a_configured_issuer_and_audience_are_required_and_an_audience_array_holding_ours_is_accepted,
    a_token_not_valid_yet_is_refused_beyond_the_leeway,
);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("a token")
}

/// Claims for user 42, valid for an hour, with `extra` merged in.
fn claims(extra: Value) -> Value {
    let mut claims = json!({ "sub": "42", "exp": now() + 3600 });
    for (key, value) in extra.as_object().expect("an object") {
        claims[key] = value.clone();
    }
    claims
}

async fn status_with(app: &TestApp, claims: &Value) -> Answer {
    app.call_with(Method::GET, STATUS, Some(&hs256(claims)))
        .await
}

fn assert_refused(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 401, "{what}: {}", answer.text);
    assert_eq!(
        answer.error_code(),
        Some("unauthenticated"),
        "{what}: {}",
        answer.text
    );
}

fn assert_accepted(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 200, "{what}: {}", answer.text);
    assert_eq!(answer.body["user_id"], "42", "{what}: {}", answer.text);
}

async fn a_configured_issuer_and_audience_are_required_and_an_audience_array_holding_ours_is_accepted(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("AUTH_JWT_ISSUER".into(), ISSUER.into());
        vars.insert("AUTH_JWT_AUDIENCE".into(), AUDIENCE.into());
    })
    .await
    else {
        return;
    };
    let refused = [
        ("neither iss nor aud", json!({})),
        ("aud without iss", json!({ "aud": AUDIENCE })),
        ("iss without aud", json!({ "iss": ISSUER })),
        ("a null iss and aud", json!({ "iss": null, "aud": null })),
        (
            "another issuer",
            json!({ "iss": "https://evil.example", "aud": AUDIENCE }),
        ),
        (
            "another audience",
            json!({ "iss": ISSUER, "aud": "billing" }),
        ),
        (
            "an audience array without ours",
            json!({ "iss": ISSUER, "aud": ["billing", "reporting"] }),
        ),
        (
            "an empty audience array",
            json!({ "iss": ISSUER, "aud": [] }),
        ),
        (
            "an audience that only starts like ours",
            json!({ "iss": ISSUER, "aud": format!("{AUDIENCE}-staging") }),
        ),
    ];
    for (what, extra) in refused {
        assert_refused(&status_with(&app, &claims(extra)).await, what);
    }
    let accepted = [
        ("our iss and aud", json!({ "iss": ISSUER, "aud": AUDIENCE })),
        (
            "an audience array holding ours",
            json!({ "iss": ISSUER, "aud": ["billing", AUDIENCE] }),
        ),
        (
            "an audience array of ours alone",
            json!({ "iss": ISSUER, "aud": [AUDIENCE] }),
        ),
    ];
    for (what, extra) in accepted {
        assert_accepted(&status_with(&app, &claims(extra)).await, what);
    }
    // The admin scope does not lift the requirement.
    let admin = claims(json!({ "sub": "reporting", "scope": "tiktok:admin" }));
    assert_refused(
        &status_with(&app, &admin).await,
        "an admin token without iss and aud",
    );
}

async fn a_token_not_valid_yet_is_refused_beyond_the_leeway(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for (what, nbf) in [
        ("nbf in an hour", json!(now() + 3600)),
        (
            "nbf in 2 minutes (beyond the 30 s leeway)",
            json!(now() + 120),
        ),
        ("an nbf that is not a number", json!("tomorrow")),
    ] {
        assert_refused(
            &status_with(&app, &claims(json!({ "nbf": nbf }))).await,
            what,
        );
    }
    for (what, nbf) in [
        ("nbf a minute ago", now() - 60),
        ("nbf in 10 s (within the leeway)", now() + 10),
    ] {
        assert_accepted(
            &status_with(&app, &claims(json!({ "nbf": nbf }))).await,
            what,
        );
    }
}

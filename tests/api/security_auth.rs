//! An attacker's matrix: every TikTok endpoint against every way of presenting (or forging) a caller token.
//! Only a valid HS256 token signed with the configured secret, unexpired, with a `sub`, acting for its own
//! user (or carrying the admin scope) gets through; everything else is `401 unauthenticated` with
//! `WWW-Authenticate: Bearer`, or `403 forbidden`, in the contract's JSON.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};
use tiktok_integration_tests::flow::{answer, Answer};
use tiktok_integration_tests::{Backend, TestApp, JWT_SECRET};

const BASE: &str = "/api/v1/integrations/tiktok";

/// A throwaway 2048-bit RSA key made for this test only (`openssl genrsa 2048`); it protects nothing.
const TEST_ONLY_RSA_KEY: &str = r"-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA29E5sK2NzqAwMZOB2CJoHRD0E3OMjoBitRzGFekOnBK8ufzS
UXDtfc01BAmoJSI659etmNPxtdMPOZxNQAbImLMDEq2yHJsTaWglI5BczWXnTNFb
I8gQ41P6kgQUS8IhnM/FFa5Avp1bwM/bQzPvyqpds5z+vgWtAaGl+A2zj24uqVcQ
SN0mbh6GAj3GplUr+QsLQqd/Mz3PfEOV6om6jEMgJBjfJtxeoXvEsae52VgiSJc2
ZXW6UgFUlm8zlKvohrRMP9WhNl30UbaynbgU1av9ybSgamfmGHpHbI2C+is7Wgh/
l6+oQrxregXFYYS163dKQEQeL9og4reekY4VPQIDAQABAoIBAAYDIHlRHeZPYlIQ
z0Xalw9odcyMZgVFxK1gdpiF0dT5/Dh4DkaU+KHuuWr9WqB9YbASqZha/6rx9WIl
gMVmChmHF+fsYUlAApVo+E8TNT6W8W8b8Mq3P6MAGoPg4a86xZGU6zaPGA0+n5JT
/RLG+mGILFzrx9nprNQ1GCWDNmyPUWxVgnrro2KRaZ/Mes3ulp/UVCqw/iwQk+7E
iAUhx4ZnYvr/uMuagBC8qlQfgXhYft2BV7fdojrwnZOZveSw/QMCyJRwrcUDbzwI
2RgcmRywXIl4YmAHevD22JBxlu0UfNI+L2xF8WpL8uJfgPFLB/jhkWnChq6a1ba0
Rx57kW8CgYEA/lYi+/CgH4oc0qNEcsNYrL3RgqmfGlMe+ZZ7uCWpqEPTlxg5IIRg
vW268Tt0E3BGHWWOa775BksW7ex+nBzLosOh1V+Ng+rZ8UF2b0h313FpSXaUbLGy
uW/MWdqm9VP9s1l6rIlnU6295FOWd0n4A9gjgks/xKh4kUDztIgTM7cCgYEA3UFK
GZFG6LoMGU/2mXOIYOT4REG/peunJ6661C1NqUk72hyOAtragfZzn7h+Ha8gjmt3
cW5hjeJgXaKunGeu5m57bA+7REG0GyHy1nDJhtSEy+nhdLc6keyekjJnwAoXRA9D
ZJexIaInIjQpR40p1AHTj39YHs/uDDwCWcEdxqsCgYEAu5Eyw7K1pAzrLLyToj9G
ij6C4GXPnE5orZC5NRkxgZJj3S5UExMNdSYTlAxQknVegBeBbRyt8mI2Ssj6po7l
7udv1jhd2Ue96xpoCbHcD9rn1vHIjFCQiglVH38NWifTFg2LVusOdLvRKy4p7Vdz
vQINTe3I3XORVy4bjKw93QkCgYEAy5rqaq7S9xVGTwDT6JB13ty2TnHGwBQkhZL4
oIp0HiWja2q9kIj/bXtzGXc4r25aYlUo3Hx8T4oTrfcoAgwz2h+veljbtstTx2gt
RQMToPzum4vFipeW0XRS1CyIZyOiF2KIXQhu24mRw5sGpa6U4GEx46qHWAt2f1G1
xAy/rvMCgYB3RnQ6wUfqm/rdFo9QzevSkZjQbh0fFPWFq0AYUDSmD2VE3UsygfNf
isLImfV81PgnoK9ul05rOTRACIKEQUFWn7VdT/Z9749IBdORqfX18DjHFLtMpeW/
4hgkK/0Fe+FJx+vaO6TZhljMCTi6aieFORmaSUtGFeB1jNSEWbantA==
-----END RSA PRIVATE KEY-----
";

on_both_backends!(
    missing_or_non_bearer_credentials_are_401_on_every_endpoint,
    forged_expired_or_incomplete_tokens_are_401_on_every_endpoint,
    another_creators_token_is_403_forbidden_on_every_endpoint,
    the_creators_own_token_and_an_admin_token_get_through_every_endpoint,
    the_webhook_receiver_needs_no_jwt_and_refuses_an_unsigned_delivery_with_401,
    probes_and_the_openapi_document_need_no_credentials,
);

/// Every endpoint, each acting for user 42.
fn endpoints() -> Vec<(Method, String)> {
    vec![
        (Method::GET, format!("{BASE}/status/42")),
        (Method::POST, format!("{BASE}/auth/init?user_id=42")),
        (
            Method::POST,
            format!("{BASE}/auth/callback?code=x&state=y&user_id=42"),
        ),
        (Method::DELETE, format!("{BASE}/disconnect/42")),
        (Method::POST, format!("{BASE}/sync/42")),
        (Method::GET, format!("{BASE}/metrics/42")),
        (Method::GET, format!("{BASE}/metrics/42/history")),
        (Method::GET, format!("{BASE}/videos/42")),
    ]
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("json"))
}

/// Signs arbitrary claims with `algorithm` and `key`.
fn sign(algorithm: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key).expect("a token")
}

fn hs256(secret: &str, claims: &Value) -> String {
    sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(secret.as_bytes()),
        claims,
    )
}

fn valid_claims(sub: &str) -> Value {
    json!({ "sub": sub, "exp": now() + 3600 })
}

/// Sends a request with a raw `Authorization` header value (or none).
async fn send(app: &TestApp, method: &Method, path: &str, authorization: Option<&str>) -> Answer {
    let mut request = app.http.request(method.clone(), app.url(path));
    if let Some(value) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, value);
    }
    answer(request.send().await.expect("the service answers")).await
}

/// The body is exactly `{"error": {"code": <code>, "message": <non-empty string>}}`, served as JSON.
fn assert_contract_error(answer: &Answer, status: u16, code: &str, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text);
    assert_eq!(answer.error_code(), Some(code), "{what}: {}", answer.text);
    let content_type = answer
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        content_type.starts_with("application/json"),
        "{what}: content-type {content_type:?}"
    );
    let top = answer.body.as_object().expect("a JSON object");
    assert_eq!(
        top.keys().collect::<Vec<_>>(),
        ["error"],
        "{what}: {}",
        answer.text
    );
    let error = answer.body["error"].as_object().expect("an error object");
    let mut keys: Vec<_> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message"], "{what}: {}", answer.text);
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {}",
        answer.text
    );
}

fn assert_unauthenticated(answer: &Answer, what: &str) {
    assert_contract_error(answer, 401, "unauthenticated", what);
    let challenge = answer
        .headers
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok());
    assert_eq!(challenge, Some("Bearer"), "{what}: WWW-Authenticate");
}

async fn missing_or_non_bearer_credentials_are_401_on_every_endpoint(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let good = app.user_token("42");
    let basic = format!("Basic {}", URL_SAFE_NO_PAD.encode("42:password"));
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no Authorization header", None),
        ("Basic credentials", Some(basic)),
        ("a valid JWT without the Bearer scheme", Some(good.clone())),
        (
            "a valid JWT under another scheme",
            Some(format!("Token {good}")),
        ),
        ("Bearer without a token", Some("Bearer".to_owned())),
        ("Bearer with a blank token", Some("Bearer    ".to_owned())),
        ("Bearer garbage", Some("Bearer not.a.jwt".to_owned())),
        ("Bearer with one segment", Some("Bearer abc".to_owned())),
    ];
    for (method, path) in endpoints() {
        for (name, authorization) in &cases {
            let what = format!("{method} {path} with {name}");
            let answer = send(&app, &method, &path, authorization.as_deref()).await;
            assert_unauthenticated(&answer, &what);
        }
        // A valid token in the query string is not a credential either.
        let sep = if path.contains('?') { '&' } else { '?' };
        let in_query = format!("{path}{sep}access_token={good}");
        let answer = send(&app, &method, &in_query, None).await;
        assert_unauthenticated(
            &answer,
            &format!("{method} {path} with the token in the query"),
        );
    }
}

async fn forged_expired_or_incomplete_tokens_are_401_on_every_endpoint(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other_secret = "another-secret-of-at-least-32-bytes-long!!";
    let admin_claims = json!({ "sub": "attacker", "exp": now() + 3600, "scope": "tiktok:admin" });
    let alg_none = |claims: &Value| {
        format!(
            "{}.{}.",
            b64(&json!({ "alg": "none", "typ": "JWT" })),
            b64(claims)
        )
    };
    let rsa = EncodingKey::from_rsa_pem(TEST_ONLY_RSA_KEY.as_bytes()).expect("the test RSA key");
    // An HS256 token whose header is swapped to RS256 after signing (signature left as it was).
    let header_swapped = {
        let genuine = hs256(JWT_SECRET, &valid_claims("42"));
        let mut parts = genuine.splitn(3, '.');
        let (_, payload, signature) = (parts.next(), parts.next(), parts.next());
        format!(
            "{}.{}.{}",
            b64(&json!({ "alg": "RS256", "typ": "JWT" })),
            payload.expect("a payload"),
            signature.expect("a signature")
        )
    };
    // A genuine token with its payload changed to another user, signature kept.
    let payload_swapped = {
        let genuine = hs256(JWT_SECRET, &valid_claims("43"));
        let parts: Vec<&str> = genuine.split('.').collect();
        format!("{}.{}.{}", parts[0], b64(&valid_claims("42")), parts[2])
    };
    let cases: Vec<(&str, String)> = vec![
        (
            "an expired token (exp an hour ago)",
            hs256(JWT_SECRET, &json!({ "sub": "42", "exp": now() - 3600 })),
        ),
        (
            "a token expired beyond the leeway (exp 2 minutes ago)",
            hs256(JWT_SECRET, &json!({ "sub": "42", "exp": now() - 120 })),
        ),
        (
            "a token signed with another secret",
            hs256(other_secret, &valid_claims("42")),
        ),
        (
            "an admin-scoped token signed with another secret",
            hs256(other_secret, &admin_claims),
        ),
        ("alg none", alg_none(&valid_claims("42"))),
        ("alg none claiming admin", alg_none(&admin_claims)),
        (
            "HS512 with the right secret",
            sign(
                Algorithm::HS512,
                &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
                &valid_claims("42"),
            ),
        ),
        (
            "HS384 with the right secret",
            sign(
                Algorithm::HS384,
                &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
                &valid_claims("42"),
            ),
        ),
        (
            "RS256 with a fresh RSA key",
            sign(Algorithm::RS256, &rsa, &valid_claims("42")),
        ),
        (
            "RS256 claiming admin",
            sign(Algorithm::RS256, &rsa, &admin_claims),
        ),
        ("an HS256 signature under an RS256 header", header_swapped),
        (
            "a payload swapped under a genuine signature",
            payload_swapped,
        ),
        (
            "a token without exp",
            hs256(JWT_SECRET, &json!({ "sub": "42" })),
        ),
        (
            "a token with a non-numeric exp",
            hs256(JWT_SECRET, &json!({ "sub": "42", "exp": "never" })),
        ),
        (
            "a token without sub",
            hs256(JWT_SECRET, &json!({ "exp": now() + 3600 })),
        ),
        (
            "a token whose sub is not a user id",
            hs256(JWT_SECRET, &valid_claims("42 OR 1=1")),
        ),
        (
            "a token whose sub is a number, not a string",
            hs256(JWT_SECRET, &json!({ "sub": 42, "exp": now() + 3600 })),
        ),
        ("a token with an empty signature", {
            let genuine = hs256(JWT_SECRET, &valid_claims("42"));
            let cut = genuine.rfind('.').expect("three parts");
            genuine[..=cut].to_owned()
        }),
    ];
    for (method, path) in endpoints() {
        for (name, token) in &cases {
            let what = format!("{method} {path} with {name}");
            let answer = send(&app, &method, &path, Some(&format!("Bearer {token}"))).await;
            assert_unauthenticated(&answer, &what);
            assert!(
                !answer.text.contains(token.as_str()),
                "{what}: the token is echoed back"
            );
        }
    }
}

async fn another_creators_token_is_403_forbidden_on_every_endpoint(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let cases: Vec<(&str, String)> = vec![
        ("user 43's token", app.user_token("43")),
        (
            "user 43's token with a non-admin scope",
            hs256(
                JWT_SECRET,
                &json!({ "sub": "43", "exp": now() + 3600, "scope": "tiktok:read user.info" }),
            ),
        ),
        (
            "user 43's token with a look-alike admin scope",
            hs256(
                JWT_SECRET,
                &json!({ "sub": "43", "exp": now() + 3600, "scope": "tiktok:admin:x tiktok:administrator TIKTOK:ADMIN" }),
            ),
        ),
        ("user 420's token (a prefix match)", app.user_token("420")),
        ("user 4's token (a prefix match)", app.user_token("4")),
    ];
    for (method, path) in endpoints() {
        for (name, token) in &cases {
            let what = format!("{method} {path} with {name}");
            let answer = app.call_with(method.clone(), &path, Some(token)).await;
            assert_contract_error(&answer, 403, "forbidden", &what);
        }
    }
    // Nothing was done on 42's behalf: still not connected, nothing at TikTok.
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "not_connected", "{}", status.text);
    assert!(app.sandbox.known_access_tokens().is_empty());
}

async fn the_creators_own_token_and_an_admin_token_get_through_every_endpoint(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let lowercase_scheme = format!("bearer {}", app.user_token("42"));
    let admin_among_scopes = hs256(
        JWT_SECRET,
        &json!({ "sub": "reporting", "exp": now() + 3600, "scope": "user.read tiktok:admin" }),
    );
    // 10 seconds past exp is inside the 30 s leeway.
    let within_leeway = hs256(JWT_SECRET, &json!({ "sub": "42", "exp": now() - 10 }));
    let cases: Vec<(&str, String)> = vec![
        (
            "the creator's own token",
            format!("Bearer {}", app.user_token("42")),
        ),
        ("an admin token", format!("Bearer {}", app.admin_token())),
        ("the lowercase bearer scheme", lowercase_scheme),
        (
            "tiktok:admin among other scopes",
            format!("Bearer {admin_among_scopes}"),
        ),
        (
            "a token 10 s past exp (within the leeway)",
            format!("Bearer {within_leeway}"),
        ),
    ];
    for (method, path) in endpoints() {
        for (name, authorization) in &cases {
            let what = format!("{method} {path} with {name}");
            let answer = send(&app, &method, &path, Some(authorization)).await;
            assert!(
                ![401, 403].contains(&answer.status) && answer.status < 500,
                "{what}: {} {}",
                answer.status,
                answer.text
            );
        }
    }
}

async fn the_webhook_receiver_needs_no_jwt_and_refuses_an_unsigned_delivery_with_401(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let body = json!({
        "client_key": app.sandbox.client_key(),
        "event": "authorization.removed",
        "create_time": now(),
        "user_openid": "some-open-id",
        "content": "{\"reason\":1}",
    })
    .to_string();
    let path = format!("{BASE}/webhooks");
    let admin = format!("Bearer {}", app.admin_token());
    for (name, authorization) in [
        ("no credentials at all", None),
        ("an admin JWT instead of a signature", Some(admin.as_str())),
    ] {
        let response = app
            .http
            .post(app.url(&path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .headers(
                authorization
                    .map(|a| {
                        let mut h = reqwest::header::HeaderMap::new();
                        h.insert(reqwest::header::AUTHORIZATION, a.parse().expect("a header"));
                        h
                    })
                    .unwrap_or_default(),
            )
            .body(body.clone())
            .send()
            .await
            .expect("the service answers");
        let answer = answer(response).await;
        assert_contract_error(
            &answer,
            401,
            "unauthenticated",
            &format!("webhook with {name}"),
        );
        assert!(
            answer.body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("Signature")),
            "the signature check refused it, not the JWT check: {}",
            answer.text
        );
    }
    // A forged signature (HMAC with another secret) is refused the same way.
    let forged = app
        .http
        .post(app.url(&path))
        .header(
            "TikTok-Signature",
            format!("t={},s={}", now(), "00".repeat(32)),
        )
        .body(body)
        .send()
        .await
        .expect("the service answers");
    let forged = answer(forged).await;
    assert_contract_error(
        &forged,
        401,
        "unauthenticated",
        "webhook with a forged signature",
    );
    // The service is still up.
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.status, 200);
}

async fn probes_and_the_openapi_document_need_no_credentials(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for path in ["/health/live", "/health/ready", "/api/v1/openapi.json"] {
        for authorization in [None, Some("Bearer not.a.jwt"), Some("Basic Zm9vOmJhcg==")] {
            let answer = send(&app, &Method::GET, path, authorization).await;
            assert_eq!(
                answer.status, 200,
                "GET {path} with {authorization:?}: {}",
                answer.text
            );
            assert!(answer.body.is_object(), "GET {path}: {}", answer.text);
        }
    }
}

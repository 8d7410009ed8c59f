//! Login Kit: the authorize redirect and the token and revoke endpoints.

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::common::*;

#[tokio::test]
async fn authorize_redirects_back_with_a_code_the_granted_scopes_and_the_state() {
    let sbx = start();
    let url = callback(&sbx, &[]).await;
    assert!(url.as_str().starts_with(&format!("{REDIRECT}?")));
    let code = param(&url, "code").expect("code");
    assert!(
        code.contains('*') && code.contains('!'),
        "code shaped like TikTok's: {code}"
    );
    assert!(
        !url.as_str().contains('!') && url.as_str().contains("%21"),
        "the code is form-encoded in the redirect"
    );
    assert_eq!(param(&url, "scopes").as_deref(), Some(ALL_SCOPES));
    assert_eq!(param(&url, "state").as_deref(), Some("st4te"));
}

#[tokio::test]
async fn authorize_rejects_an_unknown_client_key_or_response_type_with_a_page() {
    let sbx = start();
    let mut bad_key = authorize_url(&sbx, &[]);
    let pairs: Vec<(String, String)> = bad_key
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "client_key" {
                "nope".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    bad_key.query_pairs_mut().clear().extend_pairs(pairs);
    let resp = http().get(bad_key).send().await.expect("request");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap_or_default().contains("SANDBOX"));

    let token_type = authorize_url(&sbx, &[])
        .as_str()
        .replace("response_type=code", "response_type=token");
    let resp = http().get(token_type).send().await.expect("request");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sandbox_deny_redirects_with_access_denied_and_the_state() {
    let sbx = start();
    let url = callback(&sbx, &[("sandbox_deny", "1")]).await;
    assert_eq!(param(&url, "error").as_deref(), Some("access_denied"));
    assert!(param(&url, "error_description").is_some());
    assert_eq!(param(&url, "state").as_deref(), Some("st4te"));
    assert_eq!(param(&url, "code"), None);
}

#[tokio::test]
async fn the_code_exchange_answers_the_documented_flat_body() {
    let sbx = start();
    let body = connect(&sbx, &[]).await;
    assert!(s(&body, "access_token").starts_with("act."));
    assert!(s(&body, "refresh_token").starts_with("rft."));
    assert_eq!(body["expires_in"], 86_400);
    assert_eq!(body["refresh_expires_in"], 31_536_000);
    assert_eq!(s(&body, "scope"), ALL_SCOPES);
    assert_eq!(s(&body, "token_type"), "Bearer");
    assert_eq!(Some(s(&body, "open_id")), sbx.open_id_of("sandbox_creator"));
    assert!(body.get("data").is_none() && body.get("error").is_none());
}

#[tokio::test]
async fn a_code_is_good_exactly_once() {
    let sbx = start();
    let code = code(&sbx, &[]).await;
    assert_eq!(exchange(&sbx, &code, REDIRECT).await.0, StatusCode::OK);
    let (status, body) = exchange(&sbx, &code, REDIRECT).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(s(&body, "error"), "invalid_grant");
    assert!(!s(&body, "log_id").is_empty());
}

#[tokio::test]
async fn a_different_redirect_uri_at_the_token_step_is_an_invalid_request() {
    let sbx = start();
    let code = code(&sbx, &[]).await;
    let (status, body) = exchange(&sbx, &code, &format!("{REDIRECT}/")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(s(&body, "error"), "invalid_request");
    assert_eq!(
        s(&body, "error_description"),
        "Redirect_uri is not matched with the uri when requesting code."
    );
}

#[tokio::test]
async fn wrong_client_credentials_are_invalid_client() {
    let sbx = start();
    let resp = http()
        .post(format!("{}/v2/oauth/token/", sbx.base_url()))
        .form(&[
            ("client_key", sbx.client_key()),
            ("client_secret", "wrong"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "rft.x"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(s(&body, "error"), "invalid_client");
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported() {
    let sbx = start();
    let (_, body) = token_request(&sbx, &[("grant_type", "password")]).await;
    assert_eq!(s(&body, "error"), "unsupported_grant_type");
}

#[tokio::test]
async fn pkce_needs_the_verifier_whose_hex_sha256_was_the_challenge() {
    let sbx = start();
    let verifier = "v".repeat(50);
    let challenge = hex::encode(Sha256::digest(verifier.as_bytes()));
    let pkce = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];

    let code1 = code(&sbx, &pkce).await;
    let (_, missing) = exchange(&sbx, &code1, REDIRECT).await;
    assert_eq!(
        s(&missing, "error_description"),
        "Code verifier or code challenge is invalid."
    );

    let code2 = code(&sbx, &pkce).await;
    let (status, _) = token_request(
        &sbx,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code2),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn refreshing_rotates_and_the_old_refresh_token_dies_at_once() {
    let sbx = start();
    let first = connect(&sbx, &[]).await;
    let (status, second) = refresh(&sbx, &s(&first, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(s(&second, "refresh_token"), s(&first, "refresh_token"));
    assert_ne!(s(&second, "access_token"), s(&first, "access_token"));
    assert_eq!(sbx.refresh_count(), 1);

    let (status, again) = refresh(&sbx, &s(&first, "refresh_token")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(s(&again, "error"), "invalid_grant");
    assert_eq!(
        refresh(&sbx, &s(&second, "refresh_token")).await.0,
        StatusCode::OK
    );
    assert_eq!(sbx.refresh_count(), 2);
    assert_eq!(sbx.known_refresh_tokens().len(), 3);
}

#[tokio::test]
async fn revoking_the_access_token_kills_the_whole_grant() {
    let sbx = start();
    let grant = connect(&sbx, &[]).await;
    let resp = http()
        .post(format!("{}/v2/oauth/revoke/", sbx.base_url()))
        .form(&[
            ("client_key", sbx.client_key()),
            ("client_secret", sbx.client_secret()),
            ("token", &s(&grant, "access_token")),
        ])
        .send()
        .await
        .expect("revoke");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.unwrap_or_default(), "{}");
    let (status, body) = user_info(&sbx, &s(&grant, "access_token"), "open_id").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "access_token_invalid");
    assert_eq!(
        s(&refresh(&sbx, &s(&grant, "refresh_token")).await.1, "error"),
        "invalid_grant"
    );
}

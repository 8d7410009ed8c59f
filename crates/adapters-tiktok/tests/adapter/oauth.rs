//! Login Kit through the client: authorize URL, code exchange, refresh rotation, revoke, failures.

use std::collections::HashMap;

use secrecy::SecretString;
use tiktok_domain::ports::{OAuthError, TikTokData, TikTokOAuth};
use tiktok_domain::values::{AccessToken, AuthorizationCode, CodeVerifier, RefreshToken};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};
use url::Url;

use crate::canned;
use crate::common::*;

#[tokio::test]
async fn the_authorization_url_carries_exactly_the_documented_parameters_and_no_secret() {
    let sbx = sandbox();
    let client = client(&sbx);
    let verifier = CodeVerifier::generate();
    let req = request("video.list,user.info.basic", Some(verifier.clone()));
    let raw = client.authorization_url(&req);
    assert!(raw.starts_with(&format!("{}/v2/auth/authorize/?", sbx.base_url())));
    assert!(!raw.contains(sbx.client_secret()));
    assert!(!raw.contains(verifier.expose()));
    let url = Url::parse(&raw).expect("url");
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        names,
        [
            "client_key",
            "scope",
            "response_type",
            "redirect_uri",
            "state",
            "code_challenge",
            "code_challenge_method"
        ]
    );
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["client_key"], sbx.client_key());
    assert_eq!(params["scope"], "user.info.basic,video.list");
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["redirect_uri"], REDIRECT);
    assert_eq!(params["state"], req.state.as_str());
    assert_eq!(params["code_challenge"], verifier.challenge_hex_s256());
    assert_eq!(params["code_challenge"].len(), 64);
    assert_eq!(params["code_challenge_method"], "S256");
}

#[tokio::test]
async fn without_a_verifier_the_authorization_url_has_no_pkce_parameters() {
    let sbx = sandbox();
    let raw = client(&sbx).authorization_url(&request("user.info.basic", None));
    assert!(!raw.contains("code_challenge"));
}

#[tokio::test]
async fn a_code_is_exchanged_and_the_refresh_rotates_the_refresh_token() {
    let sbx = sandbox();
    let client = client(&sbx);
    let first = connect(&client, ALL_SCOPES, &[]).await;
    assert_eq!(
        Some(first.open_id.to_string()),
        sbx.open_id_of("sandbox_creator")
    );
    assert_eq!(first.scopes, scopes(ALL_SCOPES));
    assert_eq!(first.expires_in.as_secs(), 86_400);
    assert_eq!(first.refresh_expires_in.as_secs(), 31_536_000);
    assert!(first.access_token.expose().starts_with("act."));

    let second = client.refresh(&first.refresh_token).await.expect("refresh");
    assert_ne!(second.refresh_token.expose(), first.refresh_token.expose());
    assert_eq!(sbx.refresh_count(), 1);
    let again = client.refresh(&first.refresh_token).await;
    assert!(matches!(again, Err(OAuthError::InvalidGrant)), "{again:?}");
    assert_eq!(sbx.request_count(Endpoint::Token), 3, "nothing was retried");
}

#[tokio::test]
async fn reusing_a_code_is_invalid_grant() {
    let sbx = sandbox();
    let client = client(&sbx);
    let code = code_of(&browse(&client, &request(ALL_SCOPES, None), &[]).await);
    client
        .exchange_code(&code, &redirect_uri(), None)
        .await
        .expect("first use");
    let second = client.exchange_code(&code, &redirect_uri(), None).await;
    assert!(
        matches!(second, Err(OAuthError::InvalidGrant)),
        "{second:?}"
    );
}

#[tokio::test]
async fn a_different_redirect_uri_is_rejected_as_invalid_request() {
    let sbx = sandbox();
    let client = client(&sbx);
    let code = code_of(&browse(&client, &request(ALL_SCOPES, None), &[]).await);
    let other = tiktok_domain::values::RedirectUri::parse("https://app.example/tiktok/callback/")
        .expect("uri");
    let result = client.exchange_code(&code, &other, None).await;
    assert!(
        matches!(&result, Err(OAuthError::Rejected { error }) if error == "invalid_request"),
        "{result:?}"
    );
}

#[tokio::test]
async fn pkce_sends_the_hex_challenge_and_then_the_verifier() {
    let sbx = sandbox();
    let client = client(&sbx);
    let verifier = CodeVerifier::generate();
    let req = request(ALL_SCOPES, Some(verifier.clone()));
    let code = code_of(&browse(&client, &req, &[]).await);
    client
        .exchange_code(&code, &redirect_uri(), Some(verifier))
        .await
        .expect("verifier accepted");

    let other = request(ALL_SCOPES, Some(CodeVerifier::generate()));
    let code = code_of(&browse(&client, &other, &[]).await);
    let wrong = client
        .exchange_code(&code, &redirect_uri(), Some(CodeVerifier::generate()))
        .await;
    assert!(matches!(&wrong, Err(OAuthError::Rejected { error }) if error == "invalid_request"));
}

#[tokio::test]
async fn a_code_with_star_and_bang_is_url_decoded_exactly_once_end_to_end() {
    let sbx = sandbox();
    let client = client(&sbx);
    let callback = browse(&client, &request(ALL_SCOPES, None), &[]).await;
    assert!(
        callback.as_str().contains("%21"),
        "the bang arrives percent-encoded"
    );
    let code = code_of(&callback);
    assert!(code.expose().contains('*') && code.expose().contains('!'));
    client
        .exchange_code(&code, &redirect_uri(), None)
        .await
        .expect("the sandbox knows the code");

    let server = canned::serve(canned::json(
        "400 Bad Request",
        r#"{"error":"invalid_grant"}"#,
    ))
    .await;
    let code = AuthorizationCode::parse("abc*0!6410.u1").expect("code");
    let _ = canned_client(&server.url)
        .exchange_code(&code, &redirect_uri(), None)
        .await;
    let sent = server.requests().await.concat();
    assert!(
        sent.contains("code=abc*0%216410.u1"),
        "encoded once: {sent}"
    );
    assert!(!sent.contains("%2521"), "never twice");
}

#[tokio::test]
async fn wrong_client_credentials_are_rejected_with_invalid_client() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| c.client_secret = SecretString::from("wrong"));
    let result = client
        .refresh(&RefreshToken::new(SecretString::from("rft.x")))
        .await;
    assert!(matches!(&result, Err(OAuthError::Rejected { error }) if error == "invalid_client"));
}

#[tokio::test]
async fn token_failures_map_to_rate_limited_unavailable_and_invalid_response_without_retry() {
    let sbx = sandbox();
    let client = client(&sbx);
    let token = RefreshToken::new(SecretString::from("rft.x"));
    let cases = [
        (FaultKind::RateLimited, "RateLimited"),
        (FaultKind::InternalError, "Unavailable"),
        (FaultKind::ServiceUnavailable, "Unavailable"),
        (FaultKind::CloseConnection, "Unavailable"),
        (FaultKind::Garbage, "InvalidResponse"),
    ];
    for (i, (kind, expected)) in cases.into_iter().enumerate() {
        sbx.inject_fault(Fault::new(kind).on(Endpoint::Token).times(1));
        let result = client.refresh(&token).await;
        let name = match result {
            Err(OAuthError::RateLimited { .. }) => "RateLimited",
            Err(OAuthError::Unavailable(_)) => "Unavailable",
            Err(OAuthError::InvalidResponse(_)) => "InvalidResponse",
            _ => "other",
        };
        assert_eq!(name, expected, "{kind:?}");
        assert_eq!(
            sbx.request_count(Endpoint::Token),
            i as u64 + 1,
            "{kind:?} was not retried"
        );
    }
}

#[tokio::test]
async fn a_token_answer_in_the_legacy_data_wrapper_is_accepted() {
    let body = r#"{"data":{"access_token":"act.a","expires_in":7200,"open_id":"oid","refresh_expires_in":100,
        "refresh_token":"rft.b","scope":"user.info.basic","token_type":"Bearer","error_code":0},"message":"success"}"#;
    let server = canned::serve(canned::json("200 OK", body)).await;
    let grant = canned_client(&server.url)
        .refresh(&RefreshToken::new(SecretString::from("rft.x")))
        .await
        .expect("grant");
    assert_eq!(grant.expires_in.as_secs(), 7_200);
    assert_eq!(grant.refresh_token.expose(), "rft.b");
}

#[tokio::test]
async fn revoking_kills_the_grant_and_an_empty_success_body_is_fine_too() {
    let sbx = sandbox();
    let client = client(&sbx);
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    client.revoke(&grant.access_token).await.expect("revoked");
    let info = client.user_info(&grant.access_token, &grant.scopes).await;
    assert!(matches!(
        info,
        Err(tiktok_domain::ports::TikTokApiError::AccessTokenInvalid)
    ));

    let server = canned::serve(canned::response("200 OK", &[], "")).await;
    let token = AccessToken::new(SecretString::from("act.x"));
    canned_client(&server.url)
        .revoke(&token)
        .await
        .expect("empty body accepted");
    let sent = server.requests().await.concat();
    assert!(sent.starts_with("POST /v2/oauth/revoke/ "));
    assert!(sent.contains("application/x-www-form-urlencoded"));
}

//! `POST /v2/oauth/token/` and `POST /v2/oauth/revoke/`: flat OAuth bodies, form-encoded requests.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use super::{form_pairs, gate, oauth_error};
use crate::faults::Endpoint;
use crate::sandbox_state::SandboxState;
use crate::store::{CodeError, Issued};

type Form = HashMap<String, String>;

pub(super) async fn token(
    req: HttpRequest,
    body: Bytes,
    shared: web::Data<SandboxState>,
) -> HttpResponse {
    if let Some(answer) = gate(&shared, Endpoint::Token).await {
        return answer;
    }
    let form = match client_form(&req, &body, &shared) {
        Ok(form) => form,
        Err(answer) => return *answer,
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange(&form, &shared),
        Some("refresh_token") => refresh(&form, &shared),
        None => oauth_error("invalid_request", "The request parameters are malformed."),
        Some(_) => oauth_error("unsupported_grant_type", "The grant type is not supported."),
    }
}

fn exchange(form: &Form, shared: &SandboxState) -> HttpResponse {
    let (Some(code), Some(redirect_uri)) = (form.get("code"), form.get("redirect_uri")) else {
        return oauth_error("invalid_request", "The request parameters are malformed.");
    };
    let verifier = form.get("code_verifier").map(String::as_str);
    let now = Instant::now();
    let mut store = shared.store();
    match store.redeem_code(code, redirect_uri, verifier, now) {
        Ok(pending) => {
            let cfg = &shared.config;
            granted(store.open_grant(pending, cfg.access_token_ttl, cfg.refresh_token_ttl, now))
        }
        Err(CodeError::Invalid) => oauth_error(
            "invalid_grant",
            "Authorization code is expired, already used or unknown.",
        ),
        Err(CodeError::RedirectMismatch) => oauth_error(
            "invalid_request",
            "Redirect_uri is not matched with the uri when requesting code.",
        ),
        Err(CodeError::Verifier) => oauth_error(
            "invalid_request",
            "Code verifier or code challenge is invalid.",
        ),
    }
}

fn refresh(form: &Form, shared: &SandboxState) -> HttpResponse {
    let Some(refresh_token) = form.get("refresh_token") else {
        return oauth_error("invalid_request", "The request parameters are malformed.");
    };
    let rotated = shared.store().rotate(
        refresh_token,
        shared.config.access_token_ttl,
        Instant::now(),
    );
    match rotated {
        Some(issued) => granted(issued),
        None => oauth_error("invalid_grant", "Refresh token is invalid or expired."),
    }
}

/// The documented flat success body (keys in the documented, alphabetical order).
fn granted(issued: Issued) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "access_token": issued.access_token,
        "expires_in": issued.expires_in,
        "open_id": issued.open_id,
        "refresh_expires_in": issued.refresh_expires_in,
        "refresh_token": issued.refresh_token,
        "scope": issued.scope,
        "token_type": "Bearer",
    }))
}

pub(super) async fn revoke(
    req: HttpRequest,
    body: Bytes,
    shared: web::Data<SandboxState>,
) -> HttpResponse {
    if let Some(answer) = gate(&shared, Endpoint::Revoke).await {
        return answer;
    }
    let form = match client_form(&req, &body, &shared) {
        Ok(form) => form,
        Err(answer) => return *answer,
    };
    let Some(token) = form.get("token") else {
        return oauth_error("invalid_request", "The request parameters are malformed.");
    };
    if shared.store().revoke_by_access(token) {
        HttpResponse::Ok().json(json!({}))
    } else {
        oauth_error(
            "invalid_request",
            "The access token is invalid or not found.",
        )
    }
}

/// The form body, once its content type and client credentials are checked.
fn client_form(
    req: &HttpRequest,
    body: &[u8],
    shared: &SandboxState,
) -> Result<Form, Box<HttpResponse>> {
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Box::new(oauth_error(
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded.",
        )));
    }
    let form = form_pairs(body);
    let Some(key) = form.get("client_key") else {
        return Err(Box::new(oauth_error(
            "invalid_request",
            "Client key is missed in request.",
        )));
    };
    let Some(secret) = form.get("client_secret") else {
        return Err(Box::new(oauth_error(
            "invalid_request",
            "Client secret is missed in request.",
        )));
    };
    if *key != shared.config.client_key || *secret != shared.config.client_secret {
        return Err(Box::new(oauth_error(
            "invalid_client",
            "Client key or secret is incorrect.",
        )));
    }
    Ok(form)
}

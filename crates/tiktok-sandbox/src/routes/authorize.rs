//! `GET /v2/auth/authorize/`: auto-approves and redirects back with a code, as TikTok does after consent.

use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use url::form_urlencoded::Serializer;

use super::{form_pairs, gate, html_page};
use crate::faults::Endpoint;
use crate::server::Shared;
use crate::store::PendingCode;

/// The scopes the sandbox knows (TikTok's Login Kit and Display API ones).
const KNOWN_SCOPES: &[&str] = &[
    "user.info.basic",
    "user.info.profile",
    "user.info.stats",
    "video.list",
];

pub(super) async fn authorize(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Some(answer) = gate(&shared, Endpoint::Authorize).await {
        return answer;
    }
    let query = form_pairs(req.query_string().as_bytes());
    let get = |name: &str| query.get(name).map(String::as_str);
    let bad = |message| html_page(StatusCode::BAD_REQUEST, message);

    if get("client_key") != Some(shared.config.client_key.as_str()) {
        return bad("client_key is missing or unknown.");
    }
    if get("response_type") != Some("code") {
        return bad("response_type must be code.");
    }
    let Some(redirect_uri) = get("redirect_uri").filter(|r| redirect_ok(r, &shared)) else {
        return bad("redirect_uri is missing, not an absolute http(s) URI, or not registered.");
    };
    let challenge = match (get("code_challenge"), get("code_challenge_method")) {
        (None, None) => None,
        (Some(c), Some("S256")) if c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(c.to_ascii_lowercase())
        }
        _ => return bad("code_challenge must be the hex SHA-256 of the verifier, with code_challenge_method=S256."),
    };
    let user = match get("sandbox_user") {
        None => 0,
        Some(name) => match shared.config.users.iter().position(|u| u.username == name) {
            Some(index) => index,
            None => return bad("sandbox_user names no configured fake user."),
        },
    };
    if shared.config.users.is_empty() {
        return bad("The sandbox has no fake users configured.");
    }
    let state = get("state");
    let back = |pairs: &[(&str, &str)]| redirect(redirect_uri, pairs, state);

    let requested = split_scopes(get("scope").unwrap_or_default());
    if requested.is_empty()
        || requested
            .iter()
            .any(|s| !KNOWN_SCOPES.contains(&s.as_str()))
    {
        return back(&[
            ("error", "invalid_scope"),
            ("error_description", "The scope is missing or unknown."),
        ]);
    }
    if get("sandbox_deny") == Some("1") {
        return back(&[
            ("error", "access_denied"),
            (
                "error_description",
                "The user denied the authorization (sandbox_deny=1).",
            ),
        ]);
    }
    let granted: Vec<String> = match get("sandbox_scopes") {
        None => requested,
        Some(subset) => {
            let subset = split_scopes(subset);
            requested
                .into_iter()
                .filter(|s| subset.contains(s))
                .collect()
        }
    };
    let scopes = granted.join(",");
    let open_id = shared.open_ids[user].clone();
    let now = Instant::now();
    let pending = PendingCode {
        redirect_uri: redirect_uri.to_owned(),
        scopes: granted,
        user,
        open_id,
        challenge,
        expires_at: now + shared.config.code_ttl,
    };
    let code = shared.store().new_code(pending, now);
    back(&[("code", &code), ("scopes", &scopes)])
}

fn split_scopes(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

fn redirect_ok(uri: &str, shared: &Shared) -> bool {
    let registered = &shared.config.registered_redirect_uris;
    let absolute = url::Url::parse(uri).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    absolute && !uri.contains('#') && (registered.is_empty() || registered.iter().any(|r| r == uri))
}

/// 302 to `redirect_uri` with the pairs (and `state`) form-urlencoded onto it.
fn redirect(redirect_uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> HttpResponse {
    let mut query = Serializer::new(String::new());
    query.extend_pairs(pairs);
    if let Some(state) = state {
        query.append_pair("state", state);
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{separator}{}", query.finish());
    HttpResponse::Found()
        .insert_header(("location", location))
        .finish()
}

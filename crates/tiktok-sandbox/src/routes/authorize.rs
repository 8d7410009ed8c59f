//! `GET /v2/auth/authorize/`: TikTok's authorize step. A browser (its `Accept` names `text/html`) sees a
//! consent page whose form posts back here; any other client (curl, reqwest) is approved at once and
//! redirected back with a code, as TikTok does after consent.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use url::form_urlencoded::Serializer;

use super::consent::{self, Consent};
use super::{form_pairs, gate, html_page};
use crate::faults::Endpoint;
use crate::sandbox_state::SandboxState;
use crate::store::PendingCode;

/// The scopes the sandbox knows (TikTok's Login Kit and Display API ones).
pub(super) const KNOWN_SCOPES: &[&str] = &[
    "user.info.basic",
    "user.info.profile",
    "user.info.stats",
    "video.list",
];

/// A checked authorize request: where to go back to and what was asked.
pub(super) struct Checked {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub challenge: Option<String>,
    pub user: usize,
    pub requested: Vec<String>,
}

impl Checked {
    fn back(&self, pairs: &[(&str, &str)]) -> HttpResponse {
        redirect(&self.redirect_uri, pairs, self.state.as_deref())
    }

    fn deny(&self, description: &str) -> HttpResponse {
        self.back(&[
            ("error", "access_denied"),
            ("error_description", description),
        ])
    }
}

pub(super) async fn authorize(req: HttpRequest, shared: web::Data<SandboxState>) -> HttpResponse {
    if let Some(answer) = gate(&shared, Endpoint::Authorize).await {
        return answer;
    }
    let query = form_pairs(req.query_string().as_bytes());
    let checked = match check(&query, &shared) {
        Ok(checked) => checked,
        Err(answer) => return *answer,
    };
    if wants_html(&req) {
        return consent::page(&Consent {
            app_name: &shared.config.app_name,
            client_key: &shared.config.client_key,
            checked: &checked,
            users: &shared.config.users,
        });
    }
    if query.get("sandbox_deny").map(String::as_str) == Some("1") {
        return checked.deny("The user denied the authorization (sandbox_deny=1).");
    }
    let granted: Vec<String> = match query.get("sandbox_scopes") {
        None => checked.requested.clone(),
        Some(subset) => {
            let subset = split_scopes(subset);
            checked
                .requested
                .iter()
                .filter(|s| subset.contains(s))
                .cloned()
                .collect()
        }
    };
    approve(&shared, &checked, granted)
}

/// `POST /v2/auth/authorize/`: the consent page's form. `decision=authorize` grants the ticked `scope`
/// boxes (of those requested) to the chosen `sandbox_user`; `decision=cancel` answers `access_denied`.
pub(super) async fn decide(body: web::Bytes, shared: web::Data<SandboxState>) -> HttpResponse {
    let mut query = form_pairs(&body);
    let ticked: Vec<String> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .collect();
    let requested = query.remove("requested_scope").unwrap_or_default();
    query.insert("scope".to_owned(), requested);
    let checked = match check(&query, &shared) {
        Ok(checked) => checked,
        Err(answer) => return *answer,
    };
    match query.get("decision").map(String::as_str) {
        Some("authorize") => {
            let granted: Vec<String> = checked
                .requested
                .iter()
                .filter(|s| ticked.contains(s))
                .cloned()
                .collect();
            if granted.is_empty() {
                return checked.deny("No permission was granted.");
            }
            approve(&shared, &checked, granted)
        }
        Some("cancel") => checked.deny("The user cancelled the authorization."),
        _ => html_page(
            StatusCode::BAD_REQUEST,
            "decision must be authorize or cancel.",
        ),
    }
}

/// Checks the parameters TikTok checks; `Err` is the page or redirect to answer instead.
fn check(
    query: &HashMap<String, String>,
    shared: &SandboxState,
) -> Result<Checked, Box<HttpResponse>> {
    let get = |name: &str| query.get(name).map(String::as_str);
    let bad = |message| Err(Box::new(html_page(StatusCode::BAD_REQUEST, message)));

    if get("client_key") != Some(shared.config.client_key.as_str()) {
        return bad("client_key is missing or unknown.");
    }
    if get("response_type") != Some("code") {
        return bad("response_type must be code.");
    }
    let Some(redirect_uri) = get("redirect_uri").filter(|r| redirect_ok(r, shared)) else {
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
    let checked = Checked {
        redirect_uri: redirect_uri.to_owned(),
        state: get("state").map(str::to_owned),
        challenge,
        user,
        requested: split_scopes(get("scope").unwrap_or_default()),
    };
    if checked.requested.is_empty()
        || checked
            .requested
            .iter()
            .any(|s| !KNOWN_SCOPES.contains(&s.as_str()))
    {
        return Err(Box::new(checked.back(&[
            ("error", "invalid_scope"),
            ("error_description", "The scope is missing or unknown."),
        ])));
    }
    Ok(checked)
}

/// Issues a code for the granted scopes and redirects back with it.
fn approve(shared: &SandboxState, checked: &Checked, granted: Vec<String>) -> HttpResponse {
    let scopes = granted.join(",");
    let now = Instant::now();
    let pending = PendingCode {
        redirect_uri: checked.redirect_uri.clone(),
        scopes: granted,
        user: checked.user,
        open_id: shared.open_ids[checked.user].clone(),
        challenge: checked.challenge.clone(),
        expires_at: now + shared.config.code_ttl,
    };
    let code = shared.store().new_code(pending, now);
    checked.back(&[("code", &code), ("scopes", &scopes)])
}

/// Whether the client is a browser: its `Accept` header names `text/html`.
fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("accept")
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("text/html"))
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

fn redirect_ok(uri: &str, shared: &SandboxState) -> bool {
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

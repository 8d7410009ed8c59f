//! The sandbox's HTTP routes and the answers they share.

mod authorize;
mod consent;
mod control;
mod display;
mod oauth;

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::faults::{Endpoint, FaultKind};
use crate::ids;
use crate::sandbox_state::SandboxState;

/// How long a `hang` fault keeps a request open.
const HANG: Duration = Duration::from_secs(3_600);

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v2/auth/authorize/", web::get().to(authorize::authorize))
        .route("/v2/auth/authorize/", web::post().to(authorize::decide))
        .route("/v2/oauth/token/", web::post().to(oauth::token))
        .route("/v2/oauth/revoke/", web::post().to(oauth::revoke))
        .route("/v2/user/info/", web::get().to(display::user_info))
        .route("/v2/video/list/", web::post().to(display::video_list))
        .configure(control::configure);
}

/// Counts the request, applies a fault switch and the rate limit; `Some` is the answer to send instead.
async fn gate(shared: &SandboxState, endpoint: Endpoint) -> Option<HttpResponse> {
    shared.store().count_request(endpoint);
    let fault = shared.faults().take(endpoint);
    let (status, oauth, display, text) = match fault {
        None => return rate_limit(shared, endpoint),
        Some(FaultKind::Slow { delay_ms }) => {
            actix_web::rt::time::sleep(Duration::from_millis(delay_ms)).await;
            return rate_limit(shared, endpoint);
        }
        Some(FaultKind::Hang) => {
            actix_web::rt::time::sleep(HANG).await;
            return Some(HttpResponse::GatewayTimeout().finish());
        }
        Some(FaultKind::CloseConnection) => return Some(HttpResponse::Ok().body(Abort)),
        Some(FaultKind::Garbage) => {
            return Some(
                HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body("<html><body>upstream proxy says hello; this is not JSON</body></html>"),
            )
        }
        Some(FaultKind::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            "rate_limit_exceeded",
            "Too many requests (sandbox fault).",
        ),
        Some(FaultKind::InternalError) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal_error",
            "Internal error (sandbox fault).",
        ),
        Some(FaultKind::ServiceUnavailable) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "internal_error",
            "Service unavailable (sandbox fault).",
        ),
    };
    Some(match endpoint {
        Endpoint::Authorize => html_page(status, text),
        Endpoint::Token | Endpoint::Revoke => oauth_error_with(status, oauth, text),
        Endpoint::UserInfo | Endpoint::VideoList => display_error(status, display, text),
    })
}

/// The Display API's 600-per-minute sliding window (OAuth endpoints have no published limit).
fn rate_limit(shared: &SandboxState, endpoint: Endpoint) -> Option<HttpResponse> {
    if !matches!(endpoint, Endpoint::UserInfo | Endpoint::VideoList) {
        return None;
    }
    let limit = shared.config.rate_limit_per_minute;
    if shared.store().admit(endpoint, limit, Instant::now()) {
        return None;
    }
    Some(display_error(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limit_exceeded",
        "The API rate limit was exceeded. Please try again later.",
    ))
}

/// A body that fails at once, so that actix drops the connection without an answer.
struct Abort;

impl MessageBody for Abort {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, io::Error>>> {
        Poll::Ready(Some(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "sandbox fault: close_connection",
        ))))
    }
}

/// A Display API success: `{"data": …, "error": {"code": "ok", …}}`.
fn display_ok(data: Value) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "data": data,
        "error": {"code": "ok", "message": "", "log_id": ids::log_id()},
    }))
}

/// A Display API error: `{"data": {}, "error": {"code", "message", "log_id"}}`.
fn display_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "data": {},
        "error": {"code": code, "message": message, "log_id": ids::log_id()},
    }))
}

/// A flat OAuth error with HTTP 400.
fn oauth_error(error: &str, description: &str) -> HttpResponse {
    oauth_error_with(StatusCode::BAD_REQUEST, error, description)
}

fn oauth_error_with(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "error": error,
        "error_description": description,
        "log_id": ids::log_id(),
    }))
}

/// An HTML error page, as TikTok's authorize page shows when it cannot redirect back.
fn html_page(status: StatusCode, message: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!doctype html><html><head><title>TikTok SANDBOX</title></head>\
             <body><h1>TikTok SANDBOX (not TikTok)</h1><p>{message}</p></body></html>"
        ))
}

/// Form-urlencoded pairs (a query string or a form body); the first value of a name wins.
fn form_pairs(raw: &[u8]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

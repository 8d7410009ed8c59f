//! Routes of the contract, each path with its one method (`GET` routes answer `HEAD` too, as `GET` without
//! the body); any other method answers 405 `method_not_allowed` with an `Allow` header (RFC 9110).

pub mod analytics_dto;
pub mod connection;
pub mod content;
pub mod content_dto;
pub mod dev;
pub mod dto;
pub mod events;
pub mod health;
pub mod oauth;
pub mod openapi;
mod param_docs;
mod params;
pub mod shop;
pub mod timestamps;
pub mod webhook;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{guard, web, FromRequest, Handler, HttpResponse, Responder, ResponseError};

use crate::error::ApiError;

const PREFIX: &str = "/api/v1/integrations/tiktok";

/// The one method of a route.
#[derive(Clone, Copy)]
enum Verb {
    /// `GET`, and `HEAD` answered like it without the body.
    Get,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
}

impl Verb {
    /// The `Allow` header of the route's 405 answers.
    fn allow(self) -> &'static str {
        match self {
            Verb::Get => "GET, HEAD",
            Verb::Post => "POST",
            Verb::Delete => "DELETE",
        }
    }
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use Verb::{Delete, Get, Post};
    single_method_route(cfg, "/health/live", Get, health::live);
    single_method_route(cfg, "/health/ready", Get, health::ready);
    single_method_route(cfg, "/api/v1/openapi.json", Get, openapi::document);
    single_method_route(
        cfg,
        &format!("{PREFIX}/status/{{user_id}}"),
        Get,
        connection::status,
    );
    single_method_route(cfg, &format!("{PREFIX}/auth/init"), Post, oauth::init);
    single_method_route(
        cfg,
        &format!("{PREFIX}/auth/callback"),
        Post,
        oauth::callback,
    );
    single_method_route(
        cfg,
        &format!("{PREFIX}/disconnect/{{user_id}}"),
        Delete,
        connection::disconnect,
    );
    single_method_route(
        cfg,
        &format!("{PREFIX}/sync/{{user_id}}"),
        Post,
        connection::sync,
    );
    single_method_route(
        cfg,
        &format!("{PREFIX}/metrics/{{user_id}}"),
        Get,
        connection::metrics,
    );
    single_method_route(
        cfg,
        &format!("{PREFIX}/metrics/{{user_id}}/history"),
        Get,
        content::history,
    );
    single_method_route(
        cfg,
        &format!("{PREFIX}/videos/{{user_id}}"),
        Get,
        content::videos,
    );
    single_method_route(cfg, &format!("{PREFIX}/webhooks"), Post, webhook::receive);
    shop::configure(cfg);
    single_method_route(cfg, &format!("{PREFIX}/events"), Get, events::feed);
    single_method_route(
        cfg,
        &format!("{PREFIX}/events/{{id}}/redeliver"),
        Post,
        events::redeliver,
    );
}

/// Registers `handler` for `path` and `verb` only; any other method answers 405 with `Allow` in the contract's
/// error shape.
fn single_method_route<F, Args>(cfg: &mut web::ServiceConfig, path: &str, verb: Verb, handler: F)
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let route = match verb {
        Verb::Get => web::route().guard(guard::Any(guard::Get()).or(guard::Head())),
        Verb::Post => web::post(),
        Verb::Delete => web::delete(),
    };
    let allow = verb.allow();
    cfg.service(
        web::resource(path)
            .route(route.to(handler))
            .default_service(web::to(move || method_not_allowed(allow))),
    );
}

async fn method_not_allowed(allow: &'static str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
    .error_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Unknown routes.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route",
    ))
}

//! Routes of the contract, each path with its one method (any other method answers 405).

pub mod analytics_dto;
pub mod connection;
pub mod content;
pub mod content_dto;
pub mod dev;
pub mod dto;
pub mod health;
pub mod oauth;
pub mod openapi;
mod params;
pub mod webhook;

use actix_web::{web, HttpResponse, Route};

use crate::error::ApiError;

const PREFIX: &str = "/api/v1/integrations/tiktok";

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    one(cfg, "/health/live", web::get().to(health::live));
    one(cfg, "/health/ready", web::get().to(health::ready));
    one(
        cfg,
        "/api/v1/openapi.json",
        web::get().to(openapi::document),
    );
    one(
        cfg,
        &format!("{PREFIX}/status/{{user_id}}"),
        web::get().to(connection::status),
    );
    one(
        cfg,
        &format!("{PREFIX}/auth/init"),
        web::post().to(oauth::init),
    );
    one(
        cfg,
        &format!("{PREFIX}/auth/callback"),
        web::post().to(oauth::callback),
    );
    one(
        cfg,
        &format!("{PREFIX}/disconnect/{{user_id}}"),
        web::delete().to(connection::disconnect),
    );
    one(
        cfg,
        &format!("{PREFIX}/sync/{{user_id}}"),
        web::post().to(connection::sync),
    );
    one(
        cfg,
        &format!("{PREFIX}/metrics/{{user_id}}"),
        web::get().to(connection::metrics),
    );
    one(
        cfg,
        &format!("{PREFIX}/metrics/{{user_id}}/history"),
        web::get().to(content::history),
    );
    one(
        cfg,
        &format!("{PREFIX}/videos/{{user_id}}"),
        web::get().to(content::videos),
    );
    one(
        cfg,
        &format!("{PREFIX}/webhooks"),
        web::post().to(webhook::receive),
    );
}

fn one(cfg: &mut web::ServiceConfig, path: &str, route: Route) {
    cfg.service(
        web::resource(path)
            .route(route)
            .default_service(web::to(method_not_allowed)),
    );
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    ))
}

/// Unknown routes.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        "not_found",
        "no such route",
    ))
}

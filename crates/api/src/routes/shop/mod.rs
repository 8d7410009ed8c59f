//! The TikTok Shop routes, under `/api/v1/integrations/tiktok-shop/`: same authentication, `user_id` rules
//! and error shape as the account routes. When Shop is not configured every one answers
//! `503 shop_not_configured`.

pub mod connection;
pub mod dto;
pub mod error;
pub mod figures_dto;
pub mod listing_dto;
pub mod oauth;
mod param_docs;
mod params;
pub mod reads;
pub mod webhook;
pub mod webhook_body;

use std::sync::Arc;

use actix_web::web;

use super::{single_method_route, Verb};
use crate::error::ApiError;
use crate::shop_wiring::ShopServices;

/// Where the Shop routes live.
pub const SHOP_PREFIX: &str = "/api/v1/integrations/tiktok-shop";

/// The Shop use cases as the routes see them: absent when Shop is not configured.
#[derive(Clone)]
pub struct ShopApi(Option<Arc<ShopServices>>);

impl ShopApi {
    /// Wraps the built use cases (or their absence).
    pub fn new(services: Option<ShopServices>) -> Self {
        Self(services.map(Arc::new))
    }

    /// The use cases, or `503 shop_not_configured`.
    pub fn get(&self) -> Result<&ShopServices, ApiError> {
        self.0.as_deref().ok_or_else(error::not_configured)
    }
}

/// Registers every Shop route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use Verb::{Delete, Get, Post};
    let path = |p: &str| format!("{SHOP_PREFIX}/{p}");
    single_method_route(cfg, &path("status/{user_id}"), Get, connection::status);
    single_method_route(cfg, &path("auth/init"), Post, oauth::init);
    single_method_route(cfg, &path("auth/callback"), Post, oauth::callback);
    single_method_route(
        cfg,
        &path("disconnect/{user_id}"),
        Delete,
        connection::disconnect,
    );
    single_method_route(cfg, &path("sync/{user_id}"), Post, connection::sync);
    single_method_route(cfg, &path("metrics/{user_id}"), Get, reads::metrics);
    single_method_route(cfg, &path("orders/{user_id}"), Get, reads::orders);
    single_method_route(cfg, &path("products/{user_id}"), Get, reads::products);
    single_method_route(cfg, &path("webhooks"), Post, webhook::receive);
}

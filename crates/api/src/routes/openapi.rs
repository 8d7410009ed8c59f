//! The OpenAPI document, generated from the handlers and bodies at compile time (no assets to download).

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    analytics_dto, connection, content, content_dto, dev, dto, events, health, oauth, shop, webhook,
};
use crate::error;

/// The service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "TikTok integration service", description = "Connect creators' TikTok accounts, keep their tokens fresh, sync and serve their metrics, videos and history."),
    paths(connection::status, oauth::init, oauth::callback, connection::disconnect, connection::sync, connection::metrics,
        content::history, content::videos, webhook::receive, events::feed, events::redeliver,
        health::live, health::ready, dev::token,
        shop::connection::status, shop::oauth::init, shop::oauth::callback, shop::connection::disconnect,
        shop::connection::sync, shop::reads::metrics, shop::reads::orders, shop::reads::products, shop::webhook::receive),
    components(schemas(dto::StatusBody, dto::SyncErrorBody, dto::AccountBody, dto::InitBody, dto::MetricsBody,
        content_dto::VideoBody, content_dto::VideoPageBody, analytics_dto::HistoryBody, analytics_dto::HistoryPointBody,
        analytics_dto::GrowthBody, analytics_dto::GrowthWindows, analytics_dto::ViewsBody, content_dto::MissingDataBody,
        webhook::WebhookEvent, error::ErrorBody, error::ErrorDetail, dev::DevTokenBody,
        events::EventEnvelopeBody, events::EventPageBody,
        shop::dto::ShopStatusBody, shop::dto::ShopSellerBody, shop::dto::ShopSummaryBody, shop::dto::ShopInitBody,
        shop::figures_dto::ShopMetricsBody, shop::figures_dto::ShopFiguresBody, shop::figures_dto::CurrencyFiguresBody,
        shop::figures_dto::WindowBody, shop::figures_dto::TopProductBody, shop::figures_dto::MoneyBody,
        shop::listing_dto::ShopOrdersBody, shop::listing_dto::ShopOrderBody, shop::listing_dto::ShopLineItemBody,
        shop::listing_dto::ShopProductsBody, shop::listing_dto::ShopProductBody, shop::listing_dto::ShopSkuBody,
        shop::webhook_body::ShopWebhookNotification)),
    modifiers(&BearerAuth, &RequestLimits),
    tags((name = "tiktok", description = "TikTok account connection"),
        (name = "tiktok-shop", description = "TikTok Shop seller connection: shops, orders, revenue, products"),
        (name = "events", description = "events for internal services: feed and replay (tiktok:admin only)"), (name = "health", description = "probes"),
        (name = "development", description = "development only, with the TikTok sandbox; 404 anywhere else"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The refusals of `middleware::enforce_limits`, which runs before every route's handler: declared on every
/// operation, so that the document lists every status a caller can get (a client generated from it, or a
/// fuzzer checking it, meets no undocumented status).
struct RequestLimits;

/// Status, then description, of each refusal [`RequestLimits`] declares.
const LIMIT_REFUSALS: [(&str, &str); 2] = [
    (
        "414",
        "uri_too_long: the URL is longer than `server.max_url_bytes`",
    ),
    (
        "431",
        "request_header_fields_too_large: the headers are larger than `server.max_header_bytes`",
    ),
];

impl Modify for RequestLimits {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, description) in LIMIT_REFUSALS {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(description)
                                    .content(
                                        "application/json",
                                        Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// `GET /api/v1/openapi.json`
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

//! Schemas of the Shop query parameters for the OpenAPI document: exactly the values the handlers accept.

use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema};

use super::params::{self, CURSOR_PATTERN, DEFAULT_LIMIT, PRODUCT_STATUSES, SHOP_ID_PATTERN};

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::String))
}

/// `shop_id`: one shop's id.
pub fn shop_id() -> RefOr<Schema> {
    string()
        .pattern(Some(SHOP_ID_PATTERN))
        .description(Some(
            "Only this shop (its id, digits); every shop when absent.",
        ))
        .into()
}

/// `status` of the orders endpoint.
pub fn order_status() -> RefOr<Schema> {
    string()
        .enum_values(Some(params::order_statuses()))
        .description(Some(
            "Only orders in this status (TikTok's Order API names).",
        ))
        .into()
}

/// `status` of the products endpoint.
pub fn product_status() -> RefOr<Schema> {
    string()
        .enum_values(Some(PRODUCT_STATUSES))
        .description(Some("Only products in this status (TikTok's names)."))
        .into()
}

/// `limit` of the orders and products endpoints: 1 to 100.
pub fn limit() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Integer))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(1))
        .maximum(Some(tiktok_domain::shop::MAX_PAGE))
        .default(Some(DEFAULT_LIMIT.into()))
        .description(Some("Items per page, 1 to 100 (default 20)."))
        .into()
}

/// `cursor`: the previous page's `next_cursor`.
pub fn cursor() -> RefOr<Schema> {
    string()
        .pattern(Some(CURSOR_PATTERN))
        .description(Some("The `next_cursor` of the previous page (opaque)."))
        .into()
}

/// `purge` of disconnect.
pub fn purge() -> RefOr<Schema> {
    string()
        .enum_values(Some(["true", "false"]))
        .default(Some("false".into()))
        .description(Some(
            "`true` erases everything stored for the seller (connection, shops, orders, products, figures); \
             `false` (default) forgets the tokens and keeps the data.",
        ))
        .into()
}

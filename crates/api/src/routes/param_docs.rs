//! Schemas of the query parameters for the OpenAPI document: exactly the values the handlers accept
//! (see [`super::params`]), so that a client generated from the document never sends one that is refused
//! for its form.

use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema};

/// Years [`super::params::FIRST_YEAR`] to [`super::params::LAST_YEAR`] as the first four characters.
const YEAR_PATTERN: &str = "^(19[7-9][0-9]|[2-9][0-9]{3})-";

fn string_enum(values: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(values.iter().copied()))
}

/// `sort` of the videos endpoint.
pub fn sort() -> RefOr<Schema> {
    string_enum(&["newest", "oldest", "most_viewed"])
        .description(Some("`newest` (default), `oldest` or `most_viewed`."))
        .default(Some("newest".into()))
        .into()
}

/// `interval` of the history endpoint.
pub fn interval() -> RefOr<Schema> {
    string_enum(&["day", "week"])
        .description(Some(
            "`day` (default: UTC days) or `week` (ISO weeks starting Monday 00:00 UTC).",
        ))
        .default(Some("day".into()))
        .into()
}

/// `purge` of disconnect.
pub fn purge() -> RefOr<Schema> {
    string_enum(&["true", "false"])
        .description(Some(
            "`true` erases everything stored for the creator; `false` (default) keeps the history.",
        ))
        .default(Some("false".into()))
        .into()
}

/// `limit` of the videos endpoint: 1 to 2^32 − 1 (more than `content.videos_max_limit` is capped).
pub fn limit() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Integer))
        .description(Some(
            "Videos per page (default 20); more than `content.videos_max_limit` (100) is capped.",
        ))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(1))
        .maximum(Some(u32::MAX))
        .default(Some(20.into()))
        .into()
}

/// `from` and `to` of the history endpoint: RFC 3339 or a date, years 1970 to 9999.
pub fn instant() -> RefOr<Schema> {
    let form = |format| {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .format(Some(SchemaFormat::KnownFormat(format)))
            .pattern(Some(YEAR_PATTERN))
    };
    AnyOfBuilder::new()
        .description(Some(
            "RFC 3339 with any offset (converted to UTC) or a UTC date `YYYY-MM-DD`, years 1970 to 9999 as \
             written; an offset that carries it past 9999-12-31T23:59:59Z or before 1970-01-01T00:00:00Z is \
             clamped to that end.",
        ))
        .item(form(KnownFormat::DateTime))
        .item(form(KnownFormat::Date))
        .into()
}

/// `admin` of the development sign-in: `true` or `false`, nothing else.
pub fn admin() -> RefOr<Schema> {
    string_enum(&["true", "false"])
        .description(Some(
            "`true` mints an internal service's token (scope `tiktok:admin`); `false` (default) a creator's.",
        ))
        .default(Some("false".into()))
        .into()
}

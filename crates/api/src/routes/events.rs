//! The events feed and replay for internal services (admin scope only): `GET …/events` pages the
//! outbox oldest first by a keyset cursor; `POST …/events/{id}/redeliver` sends one event again with
//! the same `webhook-id`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use tiktok_domain::events::{
    EventFeed, EventId, EventType, FeedPage, Redelivery, FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT,
};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema};
use utoipa::{IntoParams, ToSchema};

use super::params;
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};

/// The error code of a replay of an event that is not kept.
pub const EVENT_NOT_FOUND: &str = "event_not_found";

/// Query of the feed.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FeedQuery {
    /// The `next_cursor` of the previous page; absent: from the oldest event kept.
    #[param(schema_with = cursor_schema)]
    after: Option<String>,
    /// Events per page (default 100); more than 1000 is cut to 1000.
    #[param(schema_with = limit_schema)]
    limit: Option<String>,
    /// Only events of this type.
    #[param(schema_with = type_schema)]
    r#type: Option<String>,
}

/// One event as delivered to receivers (the same bytes, the same `id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventEnvelopeBody {
    /// `evt_` and a ULID; `webhook-id` of its deliveries. Deduplicate on it.
    #[schema(example = "evt_01JEJ7Q4W0X8Y9Z0A1B2C3D4E5")]
    pub id: String,
    /// The event type (`tiktok.account.connected`, …); ignore types you do not know.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The product user whose connection it concerns.
    pub user_id: String,
    /// When the change was committed (RFC 3339 UTC, milliseconds).
    pub occurred_at: String,
    /// Per type (docs/events.md; JSON Schemas in docs/events/). Never a token, code or secret.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPageBody {
    /// Oldest first.
    #[schema(value_type = Vec<EventEnvelopeBody>)]
    pub events: Vec<serde_json::Value>,
    /// The position of this page's last event: pass it as `after` for the next page, and keep it to poll
    /// for newer events later. `null` when the page is empty (nothing newer yet: poll again later with the
    /// same `after`). A page shorter than `limit` reached the newest event.
    pub next_cursor: Option<String>,
}

/// The events of every user, oldest first, with a keyset cursor (admin scope only).
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/events", tag = "events", operation_id = "events_feed",
    params(FeedQuery),
    responses((status = 200, body = EventPageBody),
        (status = 400, body = ErrorBody, description = "invalid_request: bad after, limit or type"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "forbidden: not an internal service (tiktok:admin)"),
        (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn feed(
    feed: web::Data<EventFeed>,
    caller: AuthenticatedCaller,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let after = query.after.as_deref().map(cursor).transpose()?;
    let limit = params::limit(query.limit.as_deref(), FEED_DEFAULT_LIMIT)?;
    let event_type = query
        .r#type
        .as_deref()
        .map(|raw| {
            EventType::parse(raw).ok_or_else(|| {
                ApiError::invalid_request("type must be one of the event types (tiktok.account.…)")
            })
        })
        .transpose()?;
    let page = feed.page(&caller.0, after, limit, event_type).await?;
    Ok(HttpResponse::Ok().json(page_body(page)?))
}

/// Sends one event again to every enabled receiver subscribed to its type, with the same `webhook-id`
/// (admin scope only). Answers at once; the delivery follows.
#[utoipa::path(post, path = "/api/v1/integrations/tiktok/events/{id}/redeliver", tag = "events",
    operation_id = "events_redeliver",
    params(("id" = String, Path, description = "the event's id", pattern = "^evt_[0-9A-HJKMNP-TV-Z]{26}$")),
    responses((status = 202, description = "the event is due again at its receivers"),
        (status = 400, body = ErrorBody, description = "invalid_request: not an event id"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "forbidden: not an internal service (tiktok:admin)"),
        (status = 404, body = ErrorBody, description = "event_not_found: no such event is kept (retention)"),
        (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn redeliver(
    feed: web::Data<EventFeed>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = EventId::parse(&path).map_err(|e| ApiError::invalid_request(e.to_string()))?;
    match feed.redeliver(&caller.0, &id).await? {
        Redelivery::Scheduled => Ok(HttpResponse::Accepted().finish()),
        Redelivery::UnknownEvent => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            EVENT_NOT_FOUND,
            "no such event is kept (unknown, or past the retention)",
        )),
    }
}

/// The cursor: the outbox position of the last event of a page, a non-negative integer.
fn cursor(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|seq| *seq >= 0)
        .ok_or_else(|| ApiError::invalid_request("after must be a next_cursor of this feed"))
}

fn page_body(page: FeedPage) -> Result<EventPageBody, ApiError> {
    let events = page
        .events
        .iter()
        .map(|event| serde_json::from_str(&event.body))
        .collect::<Result<Vec<serde_json::Value>, _>>()
        .map_err(|error| {
            tracing::error!(%error, "a stored event is not JSON");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "internal error",
            )
        })?;
    Ok(EventPageBody {
        events,
        // Always the last event's position, not only when more are known: a poller resumes from it.
        next_cursor: page.events.last().map(|event| event.seq.to_string()),
    })
}

fn cursor_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .pattern(Some("^[0-9]{1,18}$"))
        .description(Some("The `next_cursor` of the previous page (opaque)."))
        .into()
}

fn limit_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Integer))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(1))
        .maximum(Some(u32::MAX))
        .default(Some(FEED_DEFAULT_LIMIT.into()))
        .description(Some(format!(
            "Events per page (default {FEED_DEFAULT_LIMIT}); more than {FEED_MAX_LIMIT} is cut to {FEED_MAX_LIMIT}."
        )))
        .into()
}

fn type_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())))
        .description(Some("Only events of this type."))
        .into()
}

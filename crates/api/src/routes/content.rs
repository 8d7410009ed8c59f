//! The content endpoints: a creator's stored videos and the history of their counts. No TikTok call.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tiktok_domain::content::{HistoryInterval, VideoQuery, VideoSort};
use tiktok_domain::usecases::ContentReads;
use utoipa::IntoParams;

use super::analytics_dto::HistoryBody;
use super::content_dto::{decode_cursor, VideoPageBody};
use super::{param_docs, params};
use crate::auth::AuthenticatedCaller;
use crate::error::{ApiError, ErrorBody};

/// Videos per page when `limit` is absent.
const DEFAULT_LIMIT: u32 = 20;

/// Query of the videos endpoint.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VideosQuery {
    /// Videos per page, 1 or more (default 20); more than `content.videos_max_limit` (100) is capped.
    #[param(schema_with = param_docs::limit)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page (opaque; bound to its sort).
    #[param(required = false, value_type = String)]
    cursor: Option<String>,
    /// `newest` (default), `oldest` or `most_viewed`.
    #[param(schema_with = param_docs::sort)]
    sort: Option<String>,
}

/// A creator's stored videos, newest first by default, with keyset pagination (no TikTok call).
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/videos/{user_id}", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), VideosQuery),
    responses((status = 200, body = VideoPageBody),
        (status = 400, body = ErrorBody, description = "invalid_request: bad limit, sort or cursor"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "not_connected"), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn videos(
    reads: web::Data<ContentReads>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<VideosQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let sort = match query.sort.as_deref() {
        None => VideoSort::default(),
        Some(raw) => VideoSort::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))?,
    };
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let list = reads
        .videos(&caller.0, &user_id, VideoQuery { sort, limit, after })
        .await?;
    Ok(HttpResponse::Ok().json(VideoPageBody::new(user_id.as_str(), sort, list)))
}

/// Query of the history endpoint.
#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// Window start, inclusive: RFC 3339 (any offset; converted to UTC) or a UTC date `YYYY-MM-DD`.
    /// Default: 30 days before `to`. Years 1970 to 9999 as written; an offset that carries the instant past
    /// 9999-12-31T23:59:59Z (or before 1970-01-01T00:00:00Z) is clamped to that end.
    #[param(schema_with = param_docs::instant)]
    from: Option<String>,
    /// Window end, exclusive, in the same forms and years. Default: now.
    #[param(schema_with = param_docs::instant)]
    to: Option<String>,
    /// `day` (default: UTC days) or `week` (ISO weeks starting Monday 00:00 UTC).
    #[param(schema_with = param_docs::interval)]
    interval: Option<String>,
}

/// The creator's follower, following, like and video counts over time: the last snapshot of each UTC day or
/// ISO week whose start falls in `[from, to)`.
#[utoipa::path(get, path = "/api/v1/integrations/tiktok/metrics/{user_id}/history", tag = "tiktok",
    params(("user_id" = String, Path, description = "the product's user id", pattern = "^[A-Za-z0-9._:@-]{1,128}$"), HistoryQuery),
    responses((status = 200, body = HistoryBody),
        (status = 400, body = ErrorBody, description = "invalid_request: bad from, to or interval, or from not before to"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "not_connected"), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    reads: web::Data<ContentReads>,
    caller: AuthenticatedCaller,
    path: web::Path<String>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = params::user_id(Some(&path))?;
    let interval = match query.interval.as_deref() {
        None => HistoryInterval::default(),
        Some(raw) => {
            HistoryInterval::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))?
        }
    };
    let from = query
        .from
        .as_deref()
        .map(|r| params::instant("from", r))
        .transpose()?;
    let to = query
        .to
        .as_deref()
        .map(|r| params::instant("to", r))
        .transpose()?;
    let series = reads
        .history(&caller.0, &user_id, from, to, interval)
        .await?;
    Ok(HttpResponse::Ok().json(HistoryBody::new(user_id.as_str(), series)))
}

//! Edge rules for every response: the contract's JSON error body (even for errors actix makes itself),
//! request limits, security headers, and the request id header.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use tracing_actix_web::RequestId;

use crate::error::{code_for_status, ApiError, ErrorBody, ErrorDetail};

/// Request limits enforced before routing, authentication or parsing; kept in app data.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest accepted path and query.
    pub max_url_bytes: usize,
    /// Most header bytes one request may carry, each header counted as on the wire (name, `": "`, value,
    /// CRLF), so that a client cannot make every request carry (and every log span and extractor walk)
    /// hundreds of kilobytes of headers. actix-http's own bounds (more than 96 headers, a head over
    /// 128 KiB) answer before any middleware, with an empty body.
    pub max_header_bytes: usize,
}

/// The size of `req`'s headers as sent: name, `": "`, value and CRLF for each.
fn header_bytes(req: &ServiceRequest) -> usize {
    req.headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .fold(0, usize::saturating_add)
}

/// Refuses oversized headers with 431 `request_header_fields_too_large` (RFC 6585 §5) and over-long URLs
/// with 414 `uri_too_long`, in the contract's JSON.
pub async fn enforce_limits(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let limits = req.app_data::<web::Data<Limits>>().map(|l| *l.get_ref());
    let url_length = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let refusal = match limits {
        Some(limits) if header_bytes(&req) > limits.max_header_bytes => Some(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request_header_fields_too_large",
            "the request headers are too large",
        )),
        Some(limits) if url_length > limits.max_url_bytes => Some(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            "the request URL is too long",
        )),
        _ => None,
    };
    if let Some(error) = refusal {
        return Ok(req
            .into_response(error.error_response())
            .map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Echoes the request id of the tracing span as `x-request-id`, so a caller can quote it.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut response = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}

/// Headers that keep browsers from sniffing, framing, caching or leaking referrers of API answers.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CACHE_CONTROL, "no-store"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
}

/// CORS for the configured dashboard origins only: any other origin gets no `Access-Control-Allow-Origin`
/// (its requests are still served, so that browsers, not we, withhold the answer).
pub fn cors(origins: &[&str]) -> actix_cors::Cors {
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| {
            cors.allowed_origin(origin)
        })
        .allowed_methods(["GET", "POST", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
        .block_on_origin_mismatch(false)
        .max_age(3600)
}

/// Replaces any error response that is not already the contract's JSON (actix's own 404, 405, 413, payload
/// and query errors) with the contract's body for its status.
pub fn error_bodies<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|res: ServiceResponse<B>| {
        let is_json = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        let (code, message) = code_for_status(status);
        let (req, old) = res.into_parts();
        let mut fresh = HttpResponse::build(status);
        for (name, value) in old.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                fresh.insert_header((name.clone(), value.clone()));
            }
        }
        let body = fresh.json(ErrorBody {
            error: ErrorDetail {
                code,
                message: message.to_owned(),
            },
        });
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, body).map_into_right_body(),
        ))
    })
}

/// Malformed query strings answer 400 `invalid_request`.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|_, _| ApiError::invalid_request("the query string is malformed").into())
}

/// Malformed path parameters answer 400 `invalid_request`.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_, _| ApiError::invalid_request("a path parameter is malformed").into())
}

/// JSON bodies: size limit and malformed JSON answer in the contract's shape.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _| {
            use actix_web::error::JsonPayloadError as E;
            match error {
                E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the request body is too large",
                )
                .into(),
                E::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the request body must be application/json",
                )
                .into(),
                _ => ApiError::invalid_request("the request body is not valid JSON").into(),
            }
        })
}

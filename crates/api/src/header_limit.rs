//! A bound on the request head: the headers of one request may total at most `server.max_header_bytes`
//! (16 KiB by default), so that a client cannot make every request carry (and every log span and extractor
//! walk) hundreds of kilobytes of headers. Past it: 431 `request_header_fields_too_large` in the contract's
//! JSON (RFC 6585 §5). actix-http's own limits (more than 96 headers, a head over 128 KiB) answer before
//! any middleware, with an empty body.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

use crate::error::ApiError;

/// The most header bytes one request may carry; kept in app data.
#[derive(Debug, Clone, Copy)]
pub struct HeaderLimit {
    /// Each header counts as on the wire: name, `": "`, value and CRLF.
    pub max_header_bytes: usize,
}

/// The size of `req`'s headers as sent: name, `": "`, value and CRLF for each.
fn header_bytes(req: &ServiceRequest) -> usize {
    req.headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .fold(0, usize::saturating_add)
}

/// Refuses requests whose headers exceed the limit with 431 `request_header_fields_too_large`, before any
/// routing, authentication or parsing.
pub async fn limit_header_size(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let limit = req
        .app_data::<web::Data<HeaderLimit>>()
        .map_or(usize::MAX, |l| l.max_header_bytes);
    if header_bytes(&req) > limit {
        let error = ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request_header_fields_too_large",
            "the request headers are too large",
        );
        return Ok(req
            .into_response(error.error_response())
            .map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

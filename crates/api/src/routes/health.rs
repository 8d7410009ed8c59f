//! Liveness and readiness; no credentials needed.

use actix_web::{web, HttpResponse};
use tiktok_adapters_db::Database;

use crate::error::{ApiError, ErrorBody};

/// The process is up.
#[utoipa::path(get, path = "/health/live", tag = "health", responses((status = 200, description = "up")))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers and its migrations have run.
#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses((status = 200, description = "ready"), (status = 503, body = ErrorBody, description = "database_unavailable")))]
pub async fn ready(database: web::Data<Database>) -> Result<HttpResponse, ApiError> {
    database
        .ready()
        .await
        .map_err(tiktok_domain::usecases::ServiceError::from)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
}

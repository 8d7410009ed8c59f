//! `GET /v2/user/info/` and `POST /v2/video/list/`: the Display API `{data, error}` envelope.

use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{bearer, display_error, display_ok, form_pairs, gate};
use crate::faults::Endpoint;
use crate::ids;
use crate::sandbox_state::SandboxState;
use crate::store::Authorized;
use crate::videos::{self, VIDEO_FIELDS};

/// The scope each user field needs (TikTok's table since the 2024 scope migration).
fn scope_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "open_id" | "union_id" | "avatar_url" | "avatar_url_100" | "avatar_large_url"
        | "display_name" => "user.info.basic",
        "bio_description" | "profile_deep_link" | "is_verified" | "username" => "user.info.profile",
        "follower_count" | "following_count" | "likes_count" | "video_count" => "user.info.stats",
        _ => return None,
    })
}

pub(super) async fn user_info(req: HttpRequest, shared: web::Data<SandboxState>) -> HttpResponse {
    if let Some(answer) = gate(&shared, Endpoint::UserInfo).await {
        return answer;
    }
    let grant = match authorized(&req, &shared) {
        Ok(grant) => grant,
        Err(answer) => return *answer,
    };
    let fields = match requested_fields(&req, |f| scope_of(f).is_some()) {
        Ok(fields) => fields,
        Err(answer) => return *answer,
    };
    if fields
        .iter()
        .filter_map(|f| scope_of(f))
        .any(|scope| !grant.scopes.iter().any(|s| s == scope))
    {
        return scope_not_authorized();
    }
    let user = &shared.config.users[grant.user];
    let name = &user.username;
    // Served by the sandbox itself (`GET /sandbox/avatars/{username}.svg`), so that a page shows it offline.
    let host = req.connection_info().host().to_owned();
    let avatar = |size: &str| format!("http://{host}/sandbox/avatars/{name}.svg?size={size}");
    let profile = shared.changes()[grant.user].profile();
    let mut map = Map::new();
    for field in fields {
        let value: Value = match field.as_str() {
            "open_id" => shared.open_ids[grant.user].clone().into(),
            "union_id" => ids::union_id(name).into(),
            "avatar_url" => avatar("168x168").into(),
            "avatar_url_100" => avatar("100x100").into(),
            "avatar_large_url" => avatar("1080x1080").into(),
            "display_name" => user.display_name.clone().into(),
            "bio_description" => user.bio_description.clone().into(),
            "profile_deep_link" => format!("https://vm.tiktok.com/sandbox/@{name}").into(),
            "is_verified" => user.is_verified.into(),
            "username" => name.clone().into(),
            "follower_count" => profile.follower_count.unwrap_or(user.follower_count).into(),
            "following_count" => profile
                .following_count
                .unwrap_or(user.following_count)
                .into(),
            "likes_count" => profile.likes_count.unwrap_or(user.likes_count).into(),
            _ => profile
                .video_count
                .unwrap_or_else(|| {
                    let deleted = shared.changes()[grant.user].deleted_count();
                    i64::from(user.video_count) - deleted as i64
                })
                .into(),
        };
        map.insert(field, value);
    }
    display_ok(json!({ "user": map }))
}

#[derive(Deserialize, Default)]
struct ListBody {
    cursor: Option<i64>,
    max_count: Option<i64>,
}

pub(super) async fn video_list(
    req: HttpRequest,
    body: Bytes,
    shared: web::Data<SandboxState>,
) -> HttpResponse {
    if let Some(answer) = gate(&shared, Endpoint::VideoList).await {
        return answer;
    }
    let grant = match authorized(&req, &shared) {
        Ok(grant) => grant,
        Err(answer) => return *answer,
    };
    if !grant.scopes.iter().any(|s| s == "video.list") {
        return scope_not_authorized();
    }
    let fields = match requested_fields(&req, |f| VIDEO_FIELDS.contains(&f)) {
        Ok(fields) => fields,
        Err(answer) => return *answer,
    };
    let Some(list) = list_body(&req, &body) else {
        return invalid_params("The body must be JSON like {\"cursor\": 0, \"max_count\": 20}.");
    };
    let max_count = list.max_count.unwrap_or(10);
    if !(1..=20).contains(&max_count) || list.cursor.is_some_and(|c| c < 0) {
        return invalid_params("max_count must be 1 to 20 and cursor not negative.");
    }
    let user = &shared.config.users[grant.user];
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let changes = shared.changes()[grant.user].clone();
    let page = videos::page(
        user,
        &changes,
        shared.timeline,
        list.cursor,
        max_count.unsigned_abs() as u32,
        &fields,
    );
    display_ok(json!({
        "videos": page.videos,
        "cursor": page.cursor,
        "has_more": page.has_more,
    }))
}

fn list_body(req: &HttpRequest, body: &[u8]) -> Option<ListBody> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(ListBody::default());
    }
    let content_type = req.headers().get("content-type")?.to_str().ok()?;
    if !content_type.starts_with("application/json") {
        return None;
    }
    serde_json::from_slice(body).ok()
}

fn authorized(req: &HttpRequest, shared: &SandboxState) -> Result<Authorized, Box<HttpResponse>> {
    bearer(req)
        .and_then(|token| shared.store().authorize(token, Instant::now()))
        .ok_or_else(|| {
            Box::new(display_error(
                StatusCode::UNAUTHORIZED,
                "access_token_invalid",
                "The access token is invalid or not found in the request.",
            ))
        })
}

/// The comma-separated `fields` query parameter; every name must pass `known`.
fn requested_fields(
    req: &HttpRequest,
    known: impl Fn(&str) -> bool,
) -> Result<Vec<String>, Box<HttpResponse>> {
    let query = form_pairs(req.query_string().as_bytes());
    let fields: Vec<String> = query
        .get("fields")
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if fields.is_empty() {
        return Err(Box::new(invalid_params(
            "The fields query parameter is required.",
        )));
    }
    if let Some(unknown) = fields.iter().find(|f| !known(f)) {
        tracing::info!(field = %unknown, "sandbox: unknown field requested");
        return Err(Box::new(invalid_params(
            "The fields query parameter names an unknown field.",
        )));
    }
    Ok(fields)
}

fn invalid_params(message: &str) -> HttpResponse {
    display_error(StatusCode::BAD_REQUEST, "invalid_params", message)
}

fn scope_not_authorized() -> HttpResponse {
    display_error(
        StatusCode::UNAUTHORIZED,
        "scope_not_authorized",
        "The user did not authorize the scope required for completing this request.",
    )
}

//! `/sandbox/…`: the operator's switches, the same ones the Rust handle offers. Not a TikTok API.

use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use serde::Deserialize;
use serde_json::json;

use crate::changes::ProfileCounts;
use crate::faults::{Endpoint, Fault};
use crate::sandbox_state::SandboxState;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sandbox", web::get().to(overview))
        .route("/sandbox/faults", web::get().to(list_faults))
        .route("/sandbox/faults", web::post().to(add_faults))
        .route("/sandbox/faults", web::delete().to(clear_faults))
        .route("/sandbox/access_tokens/expire", web::post().to(expire))
        .route("/sandbox/grants/{open_id}/revoke", web::post().to(revoke))
        .route(
            "/sandbox/grants/{open_id}/withdraw_scope",
            web::post().to(withdraw),
        )
        .route("/sandbox/users", web::get().to(users))
        .route("/sandbox/avatars/{file}", web::get().to(avatar))
        .route(
            "/sandbox/users/{username}/counts",
            web::post().to(set_counts),
        );
}

async fn users(shared: web::Data<SandboxState>) -> HttpResponse {
    let users: Vec<_> = shared
        .config
        .users
        .iter()
        .zip(&shared.open_ids)
        .map(|(u, open_id)| {
            json!({"username": u.username, "open_id": open_id, "display_name": u.display_name})
        })
        .collect();
    HttpResponse::Ok().json(json!({ "users": users }))
}

async fn set_counts(
    path: web::Path<String>,
    body: Bytes,
    shared: web::Data<SandboxState>,
) -> HttpResponse {
    let Ok(counts) = serde_json::from_slice::<ProfileCounts>(&body) else {
        return HttpResponse::BadRequest().json(json!({
            "error": "expected {\"follower_count\"?, \"following_count\"?, \"likes_count\"?, \"video_count\"?} with integer values"
        }));
    };
    if !shared.set_profile_counts(&path, counts) {
        return HttpResponse::NotFound().json(
            json!({ "error": "no fake user has this username; GET /sandbox/users lists them" }),
        );
    }
    HttpResponse::Ok().json(json!({ "username": path.into_inner(), "counts": counts }))
}

async fn overview(shared: web::Data<SandboxState>) -> HttpResponse {
    let users: Vec<_> = shared
        .config
        .users
        .iter()
        .zip(&shared.open_ids)
        .map(|(u, open_id)| json!({"username": u.username, "open_id": open_id, "video_count": u.video_count}))
        .collect();
    let store = shared.store();
    let requests: serde_json::Map<_, _> = Endpoint::ALL
        .into_iter()
        .map(|e| (e.name().to_owned(), store.requests(e).into()))
        .collect();
    HttpResponse::Ok().json(json!({
        "notice": "This is the TikTok SANDBOX, not TikTok.",
        "client_key": shared.config.client_key,
        "users": users,
        "faults": shared.faults().list(),
        "requests": requests,
        "refresh_count": store.refreshes(),
    }))
}

async fn list_faults(shared: web::Data<SandboxState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "faults": shared.faults().list() }))
}

/// Accepts one fault object or an array of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Fault),
    Many(Vec<Fault>),
}

async fn add_faults(body: Bytes, shared: web::Data<SandboxState>) -> HttpResponse {
    let faults = match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::One(fault)) => vec![fault],
        Ok(OneOrMany::Many(faults)) => faults,
        Err(_) => {
            return HttpResponse::BadRequest().json(json!({
                "error": "expected a fault like {\"endpoint\":\"user_info\",\"kind\":\"slow\",\"delay_ms\":3000,\"times\":2}; \
                          kinds: rate_limited, internal_error, service_unavailable, garbage, slow, close_connection, hang"
            }))
        }
    };
    for fault in faults {
        shared.inject_fault(fault);
    }
    list_faults(shared).await
}

async fn clear_faults(shared: web::Data<SandboxState>) -> HttpResponse {
    shared.faults().clear();
    HttpResponse::Ok().json(json!({ "faults": [] }))
}

async fn expire(shared: web::Data<SandboxState>) -> HttpResponse {
    shared.expire_access_tokens();
    HttpResponse::Ok().json(json!({}))
}

async fn revoke(path: web::Path<String>, shared: web::Data<SandboxState>) -> HttpResponse {
    let revoked = shared.revoke_grant(&path);
    HttpResponse::Ok().json(json!({ "revoked_grants": revoked }))
}

#[derive(Deserialize)]
struct Withdraw {
    scope: String,
}

async fn withdraw(
    path: web::Path<String>,
    body: Bytes,
    shared: web::Data<SandboxState>,
) -> HttpResponse {
    match serde_json::from_slice::<Withdraw>(&body) {
        Ok(w) => {
            let changed = shared.withdraw_scope(&path, &w.scope);
            HttpResponse::Ok().json(json!({ "changed_grants": changed }))
        }
        Err(_) => HttpResponse::BadRequest()
            .json(json!({ "error": "expected {\"scope\": \"user.info.stats\"}" })),
    }
}

/// `GET /sandbox/avatars/{username}.svg`: a round avatar with the user's initial, what user info's
/// `avatar_url` points at.
async fn avatar(path: web::Path<String>, shared: web::Data<SandboxState>) -> HttpResponse {
    let username = path.strip_suffix(".svg").unwrap_or(&path);
    let Some(index) = shared
        .config
        .users
        .iter()
        .position(|u| u.username == username)
    else {
        return HttpResponse::NotFound().json(json!({ "error": "no fake user has this username" }));
    };
    let initial = username
        .trim_start_matches("sandbox_")
        .chars()
        .next()
        .map_or('?', |c| c.to_ascii_uppercase());
    let initial = if initial.is_ascii_alphanumeric() {
        initial
    } else {
        '?'
    };
    let hue = (index * 137) % 360;
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\" width=\"168\" height=\"168\">\
             <circle cx=\"50\" cy=\"50\" r=\"50\" fill=\"hsl({hue},70%,45%)\"/>\
             <text x=\"50\" y=\"66\" font-family=\"sans-serif\" font-size=\"46\" text-anchor=\"middle\" \
             fill=\"#fff\">{initial}</text></svg>"
        ))
}

//! The sandbox Shop's HTTP routes, in TikTok Shop's envelope `{code, message, request_id, data}`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::catalog;
use super::state::{now, ShopApi, ShopState};
use super::FakeShop;
use crate::ids;
use crate::sandbox_state::SandboxState;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/open/authorize", web::get().to(authorize))
        .route("/api/v2/token/get", web::get().to(token_get))
        .route("/api/v2/token/refresh", web::get().to(token_refresh))
        .route("/authorization/202309/shops", web::get().to(shops))
        .route("/order/202309/orders/search", web::post().to(orders))
        .route("/product/202502/products/search", web::post().to(products));
}

fn envelope(status: StatusCode, code: i64, message: &str, data: Value) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "code": code, "message": message, "request_id": ids::log_id(), "data": data,
    }))
}

fn ok(data: Value) -> HttpResponse {
    envelope(StatusCode::OK, 0, "Success", data)
}

fn error(status: u16, code: i64, message: &str) -> HttpResponse {
    envelope(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        code,
        message,
        Value::Null,
    )
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

/// Counts the request; a fault's answer wins.
fn gate(shop: &ShopState, api: ShopApi) -> Option<HttpResponse> {
    shop.gate(api)
        .map(|f| error(f.http_status, f.code, &f.message))
}

async fn authorize(req: HttpRequest, shared: web::Data<SandboxState>) -> HttpResponse {
    let shop = &shared.shop;
    if let Some(answer) = gate(shop, ShopApi::Authorize) {
        return answer;
    }
    let q = query(&req);
    if q.get("service_id") != Some(&shop.config.service_id) {
        return HttpResponse::BadRequest()
            .content_type("text/html; charset=utf-8")
            .body("<h1>TikTok Shop SANDBOX (not TikTok)</h1><p>Unknown service_id.</p>");
    }
    let code = format!("sbx_shop_code_{}", ids::log_id());
    shop.lock()
        .codes
        .insert(code.clone(), now() + secs(shop.config.code_ttl));
    let target = q
        .get("redirect_uri")
        .cloned()
        .or_else(|| shop.config.redirect_url.clone());
    let Some(Ok(mut url)) = target.map(|t| url::Url::parse(&t)) else {
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(format!(
                "<h1>TikTok Shop SANDBOX (not TikTok)</h1><p>Authorized. No redirect URL is configured; \
                 the auth code is <code>{code}</code>.</p>"
            ));
    };
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("code", &code);
        if let Some(state) = q.get("state") {
            pairs.append_pair("state", state);
        }
    }
    HttpResponse::Found()
        .insert_header(("location", url.to_string()))
        .finish()
}

fn secs(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Checks `app_key` and `app_secret` of a token request.
fn app_credentials(shop: &ShopState, q: &HashMap<String, String>) -> Option<HttpResponse> {
    let ok = q.get("app_key") == Some(&shop.config.app_key)
        && q.get("app_secret") == Some(&shop.config.app_secret);
    (!ok).then(|| error(200, 36_004_006, "invalid app_key or app_secret"))
}

fn grant(shop: &ShopState) -> Value {
    let access = format!("TTP_sbx{}", ids::log_id());
    let refresh = format!("TTP_sbxr{}", ids::log_id());
    let access_exp = now() + secs(shop.config.access_token_ttl);
    let refresh_exp = now() + secs(shop.config.refresh_token_ttl);
    let mut inner = shop.lock();
    inner.access.insert(access.clone(), access_exp);
    inner.refresh.insert(refresh.clone(), refresh_exp);
    inner.issued.extend([access.clone(), refresh.clone()]);
    json!({
        "access_token": access,
        "access_token_expire_in": access_exp,
        "refresh_token": refresh,
        "refresh_token_expire_in": refresh_exp,
        "open_id": "7010736057180325637",
        "seller_name": shop.config.seller_name,
        "seller_base_region": shop.config.shops.first().map_or("GB", |s| s.region.as_str()),
        "user_type": 0,
        "granted_scopes": ["seller.order.info", "seller.product.basic", "seller.authorization.info"],
    })
}

async fn token_get(req: HttpRequest, shared: web::Data<SandboxState>) -> HttpResponse {
    let shop = &shared.shop;
    if let Some(answer) = gate(shop, ShopApi::TokenGet) {
        return answer;
    }
    let q = query(&req);
    if let Some(answer) = app_credentials(shop, &q) {
        return answer;
    }
    if q.get("grant_type").map(String::as_str) != Some("authorized_code") {
        return error(200, 36_004_002, "invalid grant_type");
    }
    let code = q.get("auth_code").cloned().unwrap_or_default();
    let live = shop
        .lock()
        .codes
        .remove(&code)
        .is_some_and(|exp| exp > now());
    if !live {
        return error(200, 36_004_004, "invalid auth code");
    }
    ok(grant(shop))
}

async fn token_refresh(req: HttpRequest, shared: web::Data<SandboxState>) -> HttpResponse {
    let shop = &shared.shop;
    if let Some(answer) = gate(shop, ShopApi::TokenRefresh) {
        return answer;
    }
    let q = query(&req);
    if let Some(answer) = app_credentials(shop, &q) {
        return answer;
    }
    let token = q.get("refresh_token").cloned().unwrap_or_default();
    // Rotation: the old refresh token dies with this use.
    let live = shop
        .lock()
        .refresh
        .remove(&token)
        .is_some_and(|exp| exp > now());
    if q.get("grant_type").map(String::as_str) != Some("refresh_token") || !live {
        return error(200, 36_004_001, "rt has expired");
    }
    shop.lock().refreshes += 1;
    ok(grant(shop))
}

/// The §7.4 signature of a request as received.
#[expect(clippy::expect_used, reason = "HMAC takes keys of any length")]
pub(crate) fn expected_sign(
    secret: &str,
    path: &str,
    q: &HashMap<String, String>,
    body: &[u8],
) -> String {
    let mut keys: Vec<&String> = q
        .keys()
        .filter(|k| *k != "sign" && *k != "access_token")
        .collect();
    keys.sort();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(secret.as_bytes());
    mac.update(path.as_bytes());
    for k in keys {
        mac.update(k.as_bytes());
        mac.update(q[k].as_bytes());
    }
    mac.update(body);
    mac.update(secret.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks app_key, timestamp window, signature and access token; `Err` is the answer.
fn check_signed(
    shop: &ShopState,
    req: &HttpRequest,
    body: &[u8],
) -> Result<HashMap<String, String>, Box<HttpResponse>> {
    let q = query(req);
    if q.get("app_key") != Some(&shop.config.app_key) {
        return Err(Box::new(error(
            401,
            36_009_004,
            "Invalid credentials. The app_key is invalid.",
        )));
    }
    let Some(ts) = q.get("timestamp").and_then(|t| t.parse::<i64>().ok()) else {
        return Err(Box::new(error(401, 36_009_004, "Invalid timestamp.")));
    };
    let delta = ts - now();
    if !(-300..=30).contains(&delta) {
        return Err(Box::new(error(
            401,
            36_009_004,
            "Invalid timestamp: outside the allowed window.",
        )));
    }
    let expected = expected_sign(&shop.config.app_secret, req.path(), &q, body);
    if q.get("sign") != Some(&expected) {
        return Err(Box::new(error(
            401,
            106_001,
            "Invalid credentials. The 'sign' query parameter is invalid.",
        )));
    }
    let token = req
        .headers()
        .get("x-tts-access-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match shop.lock().access.get(token) {
        None => Err(Box::new(error(
            401,
            105_001,
            "access token is invalid; detail: your token has been deauthorized",
        ))),
        Some(exp) if *exp <= now() => Err(Box::new(error(
            401,
            105_002,
            "Expired credentials. The x-tts-access-token header has expired.",
        ))),
        Some(_) => Ok(q),
    }
}

async fn shops(req: HttpRequest, shared: web::Data<SandboxState>) -> HttpResponse {
    let shop = &shared.shop;
    if let Some(answer) = gate(shop, ShopApi::Shops) {
        return answer;
    }
    let q = match check_signed(shop, &req, b"") {
        Ok(q) => q,
        Err(answer) => return *answer,
    };
    if q.contains_key("shop_cipher") {
        return error(400, 36_009_004, "shop_cipher is not allowed for this API.");
    }
    let list: Vec<Value> = shop
        .config
        .shops
        .iter()
        .map(|s| {
            json!({"id": s.id, "name": s.name, "region": s.region, "seller_type": "LOCAL",
                   "cipher": s.cipher(), "code": format!("SBX{}", &s.id[s.id.len().saturating_sub(6)..])})
        })
        .collect();
    ok(json!({"shops": list}))
}

/// The shop of a search, its filters, and the page asked for.
struct Search<'a> {
    shop: &'a FakeShop,
    from: i64,
    /// Exclusive upper bound.
    until: i64,
    offset: usize,
    size: usize,
}

fn search<'a>(
    state: &'a ShopState,
    api: ShopApi,
    req: &HttpRequest,
    body: &[u8],
) -> Result<Search<'a>, Box<HttpResponse>> {
    if let Some(answer) = gate(state, api) {
        return Err(Box::new(answer));
    }
    let q = check_signed(state, req, body)?;
    let Some(cipher) = q.get("shop_cipher") else {
        return Err(Box::new(error(400, 106_013, "shop_cipher is missing.")));
    };
    let Some(shop) = state.config.shops.iter().find(|s| &s.cipher() == cipher) else {
        return Err(Box::new(error(
            401,
            101_000,
            "x-tts-access-token is not valid for this shop.",
        )));
    };
    let size = q
        .get("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|s| (1..=100).contains(s));
    let Some(size) = size else {
        return Err(Box::new(error(400, 12_019_109, "page size invalid")));
    };
    let offset = match q.get("page_token").map(String::as_str) {
        None | Some("") => 0,
        Some(token) => match token.strip_prefix("sbx+off/").and_then(|o| o.parse().ok()) {
            Some(offset) => offset,
            None => return Err(Box::new(error(400, 12_019_108, "page token invalid"))),
        },
    };
    let Ok(filters) = serde_json::from_slice::<Value>(if body.is_empty() { b"{}" } else { body })
    else {
        return Err(Box::new(error(400, 36_009_022, "Wrong body format.")));
    };
    let int = |k: &str| filters.get(k).and_then(Value::as_i64);
    let from = int("update_time_ge").unwrap_or(0);
    let until = match api {
        ShopApi::Orders => int("update_time_lt").unwrap_or(i64::MAX),
        _ => int("update_time_le").map_or(i64::MAX, |le| le.saturating_add(1)),
    };
    Ok(Search {
        shop,
        from,
        until,
        offset,
        size,
    })
}

fn page(
    state: &ShopState,
    s: &Search<'_>,
    mut matches: Vec<(i64, u32)>,
    item: impl Fn(u32) -> Value,
    key: &str,
) -> HttpResponse {
    if matches.len() > state.config.result_cap {
        return error(
            200,
            12_052_180,
            "The total number of search results can not exceed 10000.",
        );
    }
    matches.sort_unstable();
    let total = matches.len();
    let items: Vec<Value> = matches
        .iter()
        .skip(s.offset)
        .take(s.size)
        .map(|(_, i)| item(*i))
        .collect();
    let next = s.offset + s.size;
    let next_token = if next < total {
        format!("sbx+off/{next}")
    } else {
        String::new()
    };
    ok(json!({"total_count": total, "next_page_token": next_token, key: items}))
}

async fn orders(req: HttpRequest, body: Bytes, shared: web::Data<SandboxState>) -> HttpResponse {
    let state = &shared.shop;
    let s = match search(state, ShopApi::Orders, &req, &body) {
        Ok(s) => s,
        Err(answer) => return *answer,
    };
    let changes = state.lock().order_changes.clone();
    let matches: Vec<(i64, u32)> = (0..s.shop.order_count)
        .map(|i| {
            let id = catalog::order_id(s.shop, i);
            let updated = changes
                .get(&id)
                .map_or_else(|| catalog::order_times(state.epoch, i).1, |c| c.1);
            (updated, i)
        })
        .filter(|(u, _)| *u >= s.from && *u < s.until)
        .collect();
    let item = |i: u32| {
        let id = catalog::order_id(s.shop, i);
        let change = changes.get(&id).map(|(st, up)| (st.as_str(), *up));
        catalog::order(s.shop, state.epoch, i, change)
    };
    page(state, &s, matches, item, "orders")
}

async fn products(req: HttpRequest, body: Bytes, shared: web::Data<SandboxState>) -> HttpResponse {
    let state = &shared.shop;
    let s = match search(state, ShopApi::Products, &req, &body) {
        Ok(s) => s,
        Err(answer) => return *answer,
    };
    let matches: Vec<(i64, u32)> = (0..s.shop.product_count)
        .map(|i| (catalog::product_times(state.epoch, i).1, i))
        .filter(|(u, _)| *u >= s.from && *u < s.until)
        .collect();
    page(
        state,
        &s,
        matches,
        |i| catalog::product(s.shop, state.epoch, i),
        "products",
    )
}

//! The edges: CORS for the configured dashboard only, a per-caller limit on the endpoints that call TikTok,
//! and security headers on every answer.

use reqwest::header::HeaderMap;
use reqwest::Method;
use tiktok_integration_tests::flow::{answer, Answer};
use tiktok_integration_tests::{Backend, TestApp};

const BASE: &str = "/api/v1/integrations/tiktok";
const DASHBOARD: &str = "https://dashboard.example";
const EVIL: &str = "https://evil.example";

on_both_backends!(
    cors_answers_the_dashboards_preflight_only,
    cors_is_closed_when_no_origin_is_configured,
    tiktok_backed_calls_are_limited_per_caller,
    security_headers_are_on_successes_and_errors,
);

/// A service allowing the dashboard's origin, with a limit of 2 calls at once and 2 a minute.
async fn hardened(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_SERVER__CORS_ALLOWED_ORIGINS".into(), DASHBOARD.into());
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "2".into());
        vars.insert("APP_RATE_LIMIT__BURST".into(), "2".into());
    })
    .await
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn preflight(app: &TestApp, origin: &str) -> Answer {
    let request = app
        .http
        .request(Method::OPTIONS, app.url(&format!("{BASE}/sync/42")))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        );
    answer(request.send().await.expect("the service answers")).await
}

async fn get_from(app: &TestApp, origin: &str, path: &str) -> Answer {
    let request = app
        .http
        .get(app.url(path))
        .bearer_auth(app.user_token("42"))
        .header("Origin", origin);
    answer(request.send().await.expect("the service answers")).await
}

async fn cors_answers_the_dashboards_preflight_only(backend: Backend) {
    let Some(app) = hardened(backend).await else {
        return;
    };
    let allowed = preflight(&app, DASHBOARD).await;
    assert!(allowed.status < 300, "preflight: {}", allowed.status);
    let h = &allowed.headers;
    assert_eq!(header(h, "access-control-allow-origin"), Some(DASHBOARD));
    let methods = header(h, "access-control-allow-methods").expect("methods");
    for method in ["GET", "POST", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header(h, "access-control-allow-headers")
        .expect("headers")
        .to_ascii_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"));
    assert_eq!(header(h, "access-control-max-age"), Some("3600"));

    let refused = preflight(&app, EVIL).await;
    assert_eq!(
        header(&refused.headers, "access-control-allow-origin"),
        None
    );

    let status = format!("{BASE}/status/42");
    let simple = get_from(&app, DASHBOARD, &status).await;
    assert_eq!(simple.status, 200, "{}", simple.text);
    assert_eq!(
        header(&simple.headers, "access-control-allow-origin"),
        Some(DASHBOARD)
    );
    let exposed = header(&simple.headers, "access-control-expose-headers")
        .expect("exposed headers")
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id") && exposed.contains("retry-after"));

    let evil = get_from(&app, EVIL, &status).await;
    assert_eq!(header(&evil.headers, "access-control-allow-origin"), None);
}

async fn cors_is_closed_when_no_origin_is_configured(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let refused = preflight(&app, DASHBOARD).await;
    assert_eq!(
        header(&refused.headers, "access-control-allow-origin"),
        None
    );
    let simple = get_from(&app, DASHBOARD, &format!("{BASE}/status/42")).await;
    assert_eq!(simple.status, 200);
    assert_eq!(header(&simple.headers, "access-control-allow-origin"), None);
}

async fn tiktok_backed_calls_are_limited_per_caller(backend: Backend) {
    let Some(app) = hardened(backend).await else {
        return;
    };
    let sync = |user: &'static str| {
        let app = &app;
        async move {
            app.call(Method::POST, &format!("{BASE}/sync/{user}"), user)
                .await
        }
    };
    for _ in 0..2 {
        let within = sync("42").await;
        assert_eq!(
            within.error_code(),
            Some("not_connected"),
            "{}",
            within.text
        );
    }
    let limited = sync("42").await;
    assert_eq!(limited.status, 429, "{}", limited.text);
    assert_eq!(limited.error_code(), Some("rate_limited"));
    assert!(limited.body["error"]["message"].is_string());
    let after: u64 = header(&limited.headers, "retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&after), "Retry-After: {after}");
    assert_eq!(
        app.init("42").await.error_code(),
        Some("rate_limited"),
        "init shares the caller's allowance"
    );

    let other = sync("43").await;
    assert_eq!(
        other.error_code(),
        Some("not_connected"),
        "user 43 has its own allowance"
    );
    let admin = app.admin_token();
    let service = app
        .call_with(Method::POST, &format!("{BASE}/sync/42"), Some(&admin))
        .await;
    assert_eq!(
        service.error_code(),
        Some("not_connected"),
        "so has a service"
    );

    for _ in 0..5 {
        for (method, path) in [
            (Method::GET, format!("{BASE}/status/42")),
            (Method::GET, format!("{BASE}/metrics/42")),
            (Method::DELETE, format!("{BASE}/disconnect/42")),
        ] {
            let unlimited = app.call(method.clone(), &path, "42").await;
            assert_ne!(unlimited.status, 429, "{method} {path} is not limited");
        }
    }
}

async fn security_headers_are_on_successes_and_errors(backend: Backend) {
    let Some(app) = hardened(backend).await else {
        return;
    };
    let ok = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let missing = app.call(Method::GET, "/api/v1/nothing-here", "42").await;
    assert_eq!(missing.status, 404);
    for answer in [&ok, &missing] {
        let h = &answer.headers;
        assert_eq!(header(h, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(h, "x-frame-options"), Some("DENY"));
        assert_eq!(header(h, "cache-control"), Some("no-store"));
        assert!(
            header(h, "content-security-policy").is_some_and(|v| v.contains("default-src 'none'"))
        );
    }
}

//! Development sign-in (`POST /dev/token`) and the development CORS origins: present only in development
//! with the bundled sandbox, absent (404, no CORS grant) in production and with real TikTok credentials.

use std::collections::HashMap;

use reqwest::Method;
use tiktok_integration_tests::flow::{answer, Answer};
use tiktok_integration_tests::{Backend, TestApp};

/// A change to the service's variables.
type Tweak = dyn Fn(&mut HashMap<String, String>);

const STATUS: &str = "/api/v1/integrations/tiktok/status";

on_both_backends!(
    development_with_the_sandbox_signs_in_a_chosen_user_and_lets_the_settings_page_origin_through,
    production_and_real_tiktok_configurations_have_no_sign_in_and_no_development_origins,
);

/// Development, no `TIKTOK_CLIENT_ID`: the service starts its own sandbox (on a free port).
fn development_with_sandbox(vars: &mut HashMap<String, String>) {
    for key in [
        "TIKTOK_CLIENT_ID",
        "TIKTOK_CLIENT_SECRET",
        "TIKTOK_AUTH_BASE_URL",
        "TIKTOK_API_BASE_URL",
    ] {
        vars.remove(key);
    }
    vars.insert("APP_ENV".into(), "development".into());
    vars.insert("APP_SANDBOX__PORT".into(), "0".into());
}

/// Production with real (unreachable, never called here) TikTok URLs.
fn production(vars: &mut HashMap<String, String>) {
    vars.insert("APP_ENV".into(), "production".into());
    vars.insert(
        "TIKTOK_AUTH_BASE_URL".into(),
        "https://www.tiktok.com".into(),
    );
    vars.insert(
        "TIKTOK_API_BASE_URL".into(),
        "https://open.tiktokapis.com".into(),
    );
}

async fn sign_in(app: &TestApp, query: &str) -> Answer {
    let response = app
        .http
        .post(app.url(&format!("/dev/token{query}")))
        .send()
        .await
        .expect("the service answers");
    answer(response).await
}

async fn preflight(app: &TestApp, origin: &str, path: &str) -> reqwest::Response {
    app.http
        .request(Method::OPTIONS, app.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .expect("the service answers")
}

async fn development_with_the_sandbox_signs_in_a_chosen_user_and_lets_the_settings_page_origin_through(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with(backend, development_with_sandbox).await else {
        return;
    };
    let signed = sign_in(&app, "?user_id=42").await;
    assert_eq!(signed.status, 200, "{}", signed.text);
    assert_eq!(signed.body["user_id"], "42");
    let expires_at = signed.body["expires_at"].as_str().expect("expires_at");
    let expires_at = chrono::DateTime::parse_from_rfc3339(expires_at).expect("RFC 3339");
    assert!(expires_at > chrono::Utc::now() + chrono::Duration::hours(1));
    let token = signed.body["token"].as_str().expect("a token");

    let own = app
        .call_with(Method::GET, &format!("{STATUS}/42"), Some(token))
        .await;
    assert_eq!(own.status, 200, "the token is accepted: {}", own.text);
    let other = app
        .call_with(Method::GET, &format!("{STATUS}/43"), Some(token))
        .await;
    assert_eq!(
        other.status, 403,
        "a creator's token acts for its user only"
    );

    let admin = sign_in(&app, "?user_id=billing&admin=true").await;
    assert_eq!(admin.status, 200, "{}", admin.text);
    let admin_token = admin.body["token"].as_str().expect("a token");
    let any = app
        .call_with(Method::GET, &format!("{STATUS}/43"), Some(admin_token))
        .await;
    assert_eq!(any.status, 200, "an admin token acts for anyone");

    for bad in ["", "?user_id=", "?user_id=a%20b", "?user_id=42&admin=yes"] {
        let refused = sign_in(&app, bad).await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.text);
        assert_eq!(refused.error_code(), Some("invalid_request"), "{bad}");
    }
    let get = app
        .call_with(Method::GET, "/dev/token?user_id=42", None)
        .await;
    assert_eq!(get.status, 405);

    for origin in ["http://localhost:3000", "http://127.0.0.1:3000"] {
        for path in [
            "/dev/token?user_id=42",
            "/api/v1/integrations/tiktok/auth/init",
        ] {
            let pre = preflight(&app, origin, path).await;
            assert!(
                pre.status().is_success(),
                "{origin} {path}: {}",
                pre.status()
            );
            assert_eq!(pre.headers()["access-control-allow-origin"], origin);
            let allowed = pre.headers()["access-control-allow-headers"]
                .to_str()
                .unwrap()
                .to_ascii_lowercase();
            assert!(allowed.contains("authorization") && allowed.contains("content-type"));
        }
        let read = app
            .http
            .get(app.url(&format!("{STATUS}/42")))
            .header("origin", origin)
            .bearer_auth(token)
            .send()
            .await
            .expect("the service answers");
        assert_eq!(read.headers()["access-control-allow-origin"], origin);
        let exposed = read.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(exposed.contains("retry-after"), "{exposed}");
    }
    let stranger = preflight(&app, "http://localhost:4000", "/dev/token").await;
    assert!(stranger
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

async fn production_and_real_tiktok_configurations_have_no_sign_in_and_no_development_origins(
    backend: Backend,
) {
    let development_with_real_tiktok = |vars: &mut HashMap<String, String>| {
        vars.insert("APP_ENV".into(), "development".into());
    };
    let configurations: [(&str, &Tweak); 3] = [
        ("test", &|_| {}),
        (
            "development with TIKTOK_CLIENT_ID",
            &development_with_real_tiktok,
        ),
        ("production", &production),
    ];
    for (name, tweak) in configurations {
        let Some(app) = TestApp::spawn_with(backend, tweak).await else {
            return;
        };
        for query in ["?user_id=42", "?user_id=42&admin=true", ""] {
            let absent = sign_in(&app, query).await;
            assert_eq!(absent.status, 404, "{name}: {}", absent.text);
            assert_eq!(absent.error_code(), Some("not_found"), "{name}");
            assert!(absent.body["error"]["message"].is_string());
            assert!(!absent.text.contains("token\""), "{name}: no token");
        }
        let pre = preflight(
            &app,
            "http://localhost:3000",
            "/api/v1/integrations/tiktok/auth/init",
        )
        .await;
        assert!(
            pre.headers().get("access-control-allow-origin").is_none(),
            "{name}: the development origin is not allowed"
        );
    }
}

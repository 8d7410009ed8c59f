//! A careless operator runs the release service against real TikTok (a real `TIKTOK_CLIENT_ID`) with
//! `APP_ENV` unset and without real keys: the service refuses to start and names the variable, rather than
//! verifying callers with the development JWT secret that is in the source (anyone could mint an admin
//! token) or sealing creators' tokens with the public development key. Only while the bundled sandbox
//! stands in for TikTok may the development keys be used.

use std::collections::HashMap;

use tiktok_adapters_crypto::KeyRing;
use tiktok_api::auth::DEVELOPMENT_JWT_SECRET;
use tiktok_api::{Application, Settings};
use tiktok_integration_tests::{Backend, TestDatabase, ENCRYPTION_KEY, JWT_SECRET};

on_both_backends!(
    real_tiktok_without_real_keys_refuses_to_start_and_names_the_variable,
    the_sandbox_alone_starts_with_the_development_keys,
);

/// Real-looking TikTok credentials, `APP_ENV` unset, the keys as `tweak` leaves them.
fn real_tiktok_vars(
    db: &TestDatabase,
    tweak: impl FnOnce(&mut HashMap<String, String>),
) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = [
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("TIKTOK_CLIENT_ID", "awxyz-real-client-key"),
        ("TIKTOK_CLIENT_SECRET", "a-real-client-secret-never-shown"),
        ("AUTH_JWT_SECRET", JWT_SECRET),
        ("TOKEN_ENCRYPTION_KEY", ENCRYPTION_KEY),
        ("APP_BACKGROUND__ENABLED", "false"),
        ("DATABASE_URL", db.url()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    tweak(&mut vars);
    vars
}

async fn build(vars: &HashMap<String, String>) -> Result<Application, String> {
    let settings = Settings::load(vars, None).map_err(|e| e.to_string())?;
    Application::build(settings)
        .await
        .map_err(|e| e.to_string())
}

async fn real_tiktok_without_real_keys_refuses_to_start_and_names_the_variable(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let dev_key_retired = format!("{ENCRYPTION_KEY},{}", KeyRing::DEVELOPMENT_KEY_ENTRY);
    let cases: Vec<(&str, &str, Option<&str>, &str)> = vec![
        (
            "no JWT key at all",
            "AUTH_JWT_SECRET",
            None,
            "AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY",
        ),
        (
            "the development JWT secret",
            "AUTH_JWT_SECRET",
            Some(DEVELOPMENT_JWT_SECRET),
            "AUTH_JWT_SECRET",
        ),
        (
            "a JWT secret under 32 bytes",
            "AUTH_JWT_SECRET",
            Some("only-24-bytes-of-secret!"),
            "AUTH_JWT_SECRET",
        ),
        (
            "no token key at all",
            "TOKEN_ENCRYPTION_KEY",
            None,
            "TOKEN_ENCRYPTION_KEY",
        ),
        (
            "the development token key",
            "TOKEN_ENCRYPTION_KEY",
            Some(KeyRing::DEVELOPMENT_KEY_ENTRY),
            "TOKEN_ENCRYPTION_KEY",
        ),
        (
            "the development token key as a retired key",
            "TOKEN_ENCRYPTION_KEY",
            Some(dev_key_retired.as_str()),
            "TOKEN_ENCRYPTION_KEY",
        ),
    ];
    for app_env in [None, Some("development"), Some("test")] {
        for (what, name, value, variable) in &cases {
            let vars = real_tiktok_vars(&db, |vars| {
                if let Some(env) = app_env {
                    vars.insert("APP_ENV".into(), env.into());
                }
                match value {
                    Some(value) => vars.insert((*name).into(), (*value).into()),
                    None => vars.remove(*name),
                };
            });
            let what = format!("APP_ENV={app_env:?}, real TikTok, {what}");
            let Err(message) = build(&vars).await else {
                panic!("{what}: the service started");
            };
            assert!(message.contains(variable), "{what}: {message:?}");
            for secret in [
                DEVELOPMENT_JWT_SECRET,
                KeyRing::DEVELOPMENT_KEY_ENTRY,
                JWT_SECRET,
            ] {
                assert!(!message.contains(secret), "{what}: {message:?} leaks");
            }
        }
    }
    // With real keys it starts.
    let app = build(&real_tiktok_vars(&db, |_| {})).await;
    assert!(app.is_ok(), "real keys: {:?}", app.err());
}

async fn the_sandbox_alone_starts_with_the_development_keys(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let vars = real_tiktok_vars(&db, |vars| {
        for name in [
            "TIKTOK_CLIENT_ID",
            "TIKTOK_CLIENT_SECRET",
            "AUTH_JWT_SECRET",
            "TOKEN_ENCRYPTION_KEY",
        ] {
            vars.remove(name);
        }
        vars.insert("APP_SANDBOX__PORT".into(), "0".into());
    });
    let app = build(&vars).await.expect("the sandbox starts without keys");
    assert!(
        app.sandbox_url().is_some(),
        "the sandbox stands in for TikTok"
    );
}

//! Production refuses to start without its secrets or with development ones; messages name the variable and
//! never carry a secret.

use std::collections::HashMap;

use tiktok_adapters_crypto::KeyRing;

use super::{Environment, Settings};
use crate::auth::DEVELOPMENT_JWT_SECRET;
use crate::wiring;

const CLIENT_SECRET: &str = "client-secret-value-that-must-never-leak";
const JWT_SECRET: &str = "jwt-secret-value-of-at-least-32-bytes-that-must-never-leak";
const ENCRYPTION_KEY: &str = "prod:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// A complete production configuration, changed by `tweak`.
fn production(tweak: impl FnOnce(&mut HashMap<String, String>)) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = [
        ("APP_ENV", "production"),
        ("TIKTOK_CLIENT_ID", "client-key-1"),
        ("TIKTOK_CLIENT_SECRET", CLIENT_SECRET),
        ("TOKEN_ENCRYPTION_KEY", ENCRYPTION_KEY),
        ("AUTH_JWT_SECRET", JWT_SECRET),
        (
            "DATABASE_URL",
            "postgres://svc:db-password-never-leaks@db/tiktok",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    tweak(&mut vars);
    vars
}

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Asserts that `message` names `variable` and holds none of the configured secrets.
fn names_without_secrets(message: &str, variable: &str) {
    assert!(message.contains(variable), "{message:?} names {variable}");
    for secret in [
        CLIENT_SECRET,
        JWT_SECRET,
        ENCRYPTION_KEY,
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "db-password-never-leaks",
        DEVELOPMENT_JWT_SECRET,
        KeyRing::DEVELOPMENT_KEY_ENTRY,
    ] {
        assert!(!message.contains(secret), "{message:?} leaks a secret");
    }
}

#[test]
fn a_complete_production_configuration_loads_and_wires() {
    let settings = Settings::load(&production(|_| {}), None).expect("production loads");
    assert_eq!(settings.environment, Environment::Production);
    assert!(!settings.uses_sandbox());
    assert!(wiring::token_cipher(&settings).is_ok());
    assert!(wiring::authenticator(&settings).is_ok());
}

#[test]
fn production_refuses_each_missing_secret_by_name() {
    for (removed, named) in [
        (&["TIKTOK_CLIENT_ID"][..], "TIKTOK_CLIENT_ID"),
        (&["TIKTOK_CLIENT_SECRET"][..], "TIKTOK_CLIENT_SECRET"),
        (&["TOKEN_ENCRYPTION_KEY"][..], "TOKEN_ENCRYPTION_KEY"),
        (
            &["AUTH_JWT_SECRET", "AUTH_JWT_PUBLIC_KEY"][..],
            "AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY",
        ),
    ] {
        for blank in [false, true] {
            let vars = production(|v| {
                for name in removed {
                    if blank {
                        v.insert((*name).to_owned(), "  ".to_owned());
                    } else {
                        v.remove(*name);
                    }
                }
            });
            let error = Settings::load(&vars, None).expect_err("refused");
            names_without_secrets(&error.to_string(), named);
        }
    }
}

#[test]
fn production_refuses_plain_http_towards_tiktok() {
    for name in ["TIKTOK_API_BASE_URL", "TIKTOK_AUTH_BASE_URL"] {
        let vars = production(|v| {
            v.insert(name.to_owned(), "http://open.tiktokapis.com".to_owned());
        });
        let error = Settings::load(&vars, None).expect_err("http refused");
        names_without_secrets(&error.to_string(), name);
        assert!(error.to_string().contains("https"));
    }
}

#[test]
fn production_refuses_the_development_encryption_key() {
    let vars = production(|v| {
        v.insert(
            "TOKEN_ENCRYPTION_KEY".into(),
            KeyRing::DEVELOPMENT_KEY_ENTRY.into(),
        );
    });
    let settings = Settings::load(&vars, None).expect("settings load");
    let error = wiring::token_cipher(&settings)
        .err()
        .expect("development key refused");
    names_without_secrets(&error.to_string(), "TOKEN_ENCRYPTION_KEY");
}

#[test]
fn production_refuses_the_development_jwt_secret() {
    let vars = production(|v| {
        v.insert("AUTH_JWT_SECRET".into(), DEVELOPMENT_JWT_SECRET.into());
    });
    let settings = Settings::load(&vars, None).expect("settings load");
    let error = wiring::authenticator(&settings).expect_err("development secret refused");
    names_without_secrets(&error.to_string(), "AUTH_JWT_SECRET");
}

#[test]
fn the_development_keys_are_accepted_outside_production() {
    let settings = Settings::load(&vars(&[("APP_ENV", "development")]), None).expect("loads");
    assert!(wiring::token_cipher(&settings).is_ok());
    assert!(wiring::authenticator(&settings).is_ok());
}

#[test]
fn the_sandbox_is_used_only_in_development_without_a_client_id() {
    let load = |pairs: &[(&str, &str)]| Settings::load(&vars(pairs), None).expect("loads");
    assert!(load(&[]).uses_sandbox());
    assert!(load(&[("APP_ENV", "development")]).uses_sandbox());
    assert!(!load(&[("TIKTOK_CLIENT_ID", "client-key-1")]).uses_sandbox());
    for env in ["development", "test"] {
        assert!(!load(&[("APP_ENV", env), ("TIKTOK_CLIENT_ID", "client-key-1")]).uses_sandbox());
    }
    assert!(!load(&[("APP_ENV", "test")]).uses_sandbox());
    let production = Settings::load(&production(|_| {}), None).expect("loads");
    assert!(!production.uses_sandbox());
}

#[test]
fn cors_origins_must_be_bare_origins() {
    let load = |origins: &str| {
        Settings::load(
            &vars(&[("APP_SERVER__CORS_ALLOWED_ORIGINS", origins)]),
            None,
        )
    };
    let settings = load(" https://dashboard.example, http://localhost:3000 ,").expect("loads");
    assert_eq!(
        settings.server.cors_origins(),
        ["https://dashboard.example", "http://localhost:3000"]
    );
    assert!(load("").expect("loads").server.cors_origins().is_empty());
    for bad in [
        "*",
        "https://dashboard.example/",
        "dashboard.example",
        "null",
    ] {
        let error = load(bad).expect_err("refused");
        assert!(error
            .to_string()
            .contains("APP_SERVER__CORS_ALLOWED_ORIGINS"));
    }
}

#[test]
fn rate_limit_settings_come_from_the_environment() {
    let settings = Settings::load(&vars(&[]), None).expect("loads");
    assert_eq!(
        (
            settings.rate_limit.per_caller_per_minute,
            settings.rate_limit.burst
        ),
        (30, 10)
    );
    let vars = vars(&[
        ("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE", "0"),
        ("APP_RATE_LIMIT__BURST", "3"),
    ]);
    let settings = Settings::load(&vars, None).expect("loads");
    assert_eq!(
        (
            settings.rate_limit.per_caller_per_minute,
            settings.rate_limit.burst
        ),
        (0, 3)
    );
}

#[test]
fn background_and_pacing_have_their_documented_defaults_and_take_app_variables() {
    let defaults = Settings::load(&vars(&[]), None).expect("defaults load");
    let b = &defaults.background;
    assert!(b.enabled);
    assert_eq!(
        (
            b.sync_interval_minutes,
            b.sync_concurrency,
            b.reauth_warning_days
        ),
        (60, 4, 14)
    );
    assert_eq!(defaults.tiktok.requests_per_minute, 600);

    let tuned = Settings::load(
        &vars(&[
            ("APP_BACKGROUND__ENABLED", "false"),
            ("APP_BACKGROUND__SYNC_CONCURRENCY", "2"),
            ("APP_TIKTOK__REQUESTS_PER_MINUTE", "300"),
        ]),
        None,
    )
    .expect("variables load");
    assert!(!tuned.background.enabled);
    assert_eq!(tuned.background.sync_concurrency, 2);
    assert_eq!(tuned.tiktok.requests_per_minute, 300);
}

#[test]
fn a_refresh_lease_that_a_refresh_could_outlast_is_refused() {
    let short = production(|v| {
        v.insert("APP_OAUTH__REFRESH_LEASE_SECONDS".into(), "10".into());
        v.insert("APP_TIKTOK__REQUEST_TIMEOUT_MS".into(), "10000".into());
    });
    let error = Settings::load(&short, None)
        .expect_err("refused")
        .to_string();
    names_without_secrets(&error, "APP_OAUTH__REFRESH_LEASE_SECONDS");
    let enough = production(|v| {
        v.insert("APP_OAUTH__REFRESH_LEASE_SECONDS".into(), "11".into());
    });
    assert!(Settings::load(&enough, None).is_ok());
}

#[test]
fn content_settings_default_to_the_documented_values_and_refuse_a_period_that_splits_a_day_unevenly(
) {
    let settings = Settings::load(&vars(&[("APP_ENV", "test")]), None).expect("loads");
    let content = wiring::content_config(&settings).expect("defaults are valid");
    assert_eq!(content, tiktok_domain::usecases::ContentConfig::default());

    for (key, value) in [
        ("APP_CONTENT__HISTORY_PERIOD_MINUTES", "7"),
        ("APP_CONTENT__HISTORY_PERIOD_MINUTES", "0"),
        ("APP_CONTENT__HISTORY_RETENTION_DAYS", "0"),
        ("APP_CONTENT__VIDEOS_MAX_LIMIT", "0"),
    ] {
        let settings =
            Settings::load(&vars(&[("APP_ENV", "test"), (key, value)]), None).expect("parses");
        let error = wiring::content_config(&settings).expect_err("refused");
        assert!(
            error.to_string().contains("content."),
            "{key}={value}: {error}"
        );
    }
    let every_sync_full = Settings::load(
        &vars(&[
            ("APP_ENV", "test"),
            ("APP_CONTENT__FULL_VIDEO_SYNC_HOURS", "0"),
        ]),
        None,
    )
    .expect("parses");
    let content = wiring::content_config(&every_sync_full).expect("0 is allowed");
    assert_eq!(content.full_video_sync_every, chrono::Duration::zero());
}

#[test]
fn metrics_listen_on_loopback_by_default_can_be_switched_off_and_must_be_an_address() {
    let load = |pairs: &[(&str, &str)]| Settings::load(&vars(pairs), None);
    let default = load(&[]).expect("loads");
    assert_eq!(default.metrics.listen, "127.0.0.1:9464");
    let production = Settings::load(&production(|_| {}), None).expect("loads");
    assert_eq!(
        production.metrics.listen, "127.0.0.1:9464",
        "loopback in production too, unless asked"
    );
    let off = load(&[("APP_METRICS__LISTEN", "")]).expect("loads");
    assert!(off.metrics.listen.is_empty());
    let wide = load(&[("APP_METRICS__LISTEN", "0.0.0.0:9100")]).expect("loads");
    assert_eq!(wide.metrics.listen, "0.0.0.0:9100");
    for bad in ["9464", "localhost", "127.0.0.1:notaport"] {
        let error = load(&[("APP_METRICS__LISTEN", bad)]).expect_err(bad);
        assert!(error.to_string().contains("APP_METRICS__LISTEN"), "{error}");
    }
}

/// Built without the sandbox (`make release`), a missing client id stops start-up, naming the variable.
#[cfg(not(feature = "sandbox"))]
#[tokio::test]
async fn without_the_sandbox_feature_a_missing_client_id_is_refused_by_name() {
    let mut settings = Settings::load(&vars(&[]), None).expect("loads");
    assert!(settings.uses_sandbox(), "development without a client id");
    let error = wiring::start_sandbox_if_needed(&mut settings)
        .await
        .expect_err("no sandbox to start");
    assert!(error.to_string().contains("TIKTOK_CLIENT_ID"), "{error}");
}

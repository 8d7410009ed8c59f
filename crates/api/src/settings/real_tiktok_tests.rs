//! The development JWT secret and token key are public (they are in the source): they may be used only
//! while the bundled sandbox stands in for TikTok. With real TikTok credentials, whatever `APP_ENV` says,
//! start-up refuses a missing or development key and names the variable; nothing refused leaks a secret.

use std::collections::HashMap;

use tiktok_adapters_crypto::KeyRing;

use super::Settings;
use crate::auth::DEVELOPMENT_JWT_SECRET;
use crate::wiring::{self, StartupError};

const CLIENT_SECRET: &str = "client-secret-value-that-must-never-leak";
const JWT_SECRET: &str = "jwt-secret-value-of-at-least-32-bytes-that-must-never-leak";
const ENCRYPTION_KEY: &str = "real:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Each `APP_ENV` a careless operator may leave: unset, development, test, production.
const ENVIRONMENTS: [Option<&str>; 4] =
    [None, Some("development"), Some("test"), Some("production")];

/// Real TikTok credentials and real keys in `app_env`, changed by `tweak`.
fn real_tiktok(
    app_env: Option<&str>,
    tweak: impl FnOnce(&mut HashMap<String, String>),
) -> Settings {
    let mut vars: HashMap<String, String> = [
        ("TIKTOK_CLIENT_ID", "client-key-1"),
        ("TIKTOK_CLIENT_SECRET", CLIENT_SECRET),
        ("TOKEN_ENCRYPTION_KEY", ENCRYPTION_KEY),
        ("AUTH_JWT_SECRET", JWT_SECRET),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    if let Some(env) = app_env {
        vars.insert("APP_ENV".into(), env.into());
    }
    tweak(&mut vars);
    // Production checks presence at load; the keys' content is checked when they are wired.
    Settings::load(&vars, None).expect("the settings load")
}

/// The refusal names `variable` and carries no secret.
fn assert_refused(result: Result<(), StartupError>, variable: &str, what: &str) {
    let message = result.expect_err(what).to_string();
    assert!(
        message.contains(variable),
        "{what}: {message:?} names {variable}"
    );
    for secret in [
        CLIENT_SECRET,
        JWT_SECRET,
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        DEVELOPMENT_JWT_SECRET,
        KeyRing::DEVELOPMENT_KEY_ENTRY,
    ] {
        assert!(
            !message.contains(secret),
            "{what}: {message:?} leaks a secret"
        );
    }
}

fn cipher(settings: &Settings) -> Result<(), StartupError> {
    wiring::token_cipher(settings).map(drop)
}

fn authenticator(settings: &Settings) -> Result<(), StartupError> {
    wiring::authenticator(settings).map(drop)
}

#[test]
fn real_tiktok_with_real_keys_wires_in_every_environment() {
    for env in ENVIRONMENTS {
        let settings = real_tiktok(env, |_| {});
        assert!(!settings.uses_sandbox(), "{env:?}");
        assert!(cipher(&settings).is_ok(), "{env:?}");
        assert!(authenticator(&settings).is_ok(), "{env:?}");
    }
}

#[test]
fn real_tiktok_without_a_jwt_key_refuses_to_start_instead_of_using_the_development_secret() {
    // Production refuses it already when loading; every other environment used to fall back.
    for env in [None, Some("development"), Some("test")] {
        let settings = real_tiktok(env, |v| {
            v.remove("AUTH_JWT_SECRET");
        });
        assert_refused(
            authenticator(&settings),
            "AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY",
            &format!("APP_ENV={env:?} without a JWT key"),
        );
    }
}

#[test]
fn real_tiktok_without_a_token_key_refuses_to_start_instead_of_using_the_development_key() {
    for env in [None, Some("development"), Some("test")] {
        let settings = real_tiktok(env, |v| {
            v.insert("TOKEN_ENCRYPTION_KEY".into(), "  ".into());
        });
        assert_refused(
            cipher(&settings),
            "TOKEN_ENCRYPTION_KEY",
            &format!("APP_ENV={env:?} without a token key"),
        );
    }
}

#[test]
fn real_tiktok_refuses_the_development_jwt_secret_in_every_environment() {
    for env in ENVIRONMENTS {
        let settings = real_tiktok(env, |v| {
            v.insert("AUTH_JWT_SECRET".into(), DEVELOPMENT_JWT_SECRET.into());
        });
        assert_refused(
            authenticator(&settings),
            "AUTH_JWT_SECRET",
            &format!("APP_ENV={env:?} with the development secret"),
        );
    }
}

#[test]
fn real_tiktok_refuses_the_development_token_key_active_or_retired_in_every_environment() {
    let retired_under_another_kid = format!(
        "{ENCRYPTION_KEY},old:{}",
        KeyRing::DEVELOPMENT_KEY_ENTRY
            .split_once(':')
            .map(|(_, key)| key)
            .expect("kid:key")
    );
    for env in ENVIRONMENTS {
        for (what, ring) in [
            ("active", KeyRing::DEVELOPMENT_KEY_ENTRY.to_owned()),
            (
                "retired",
                format!("{ENCRYPTION_KEY},{}", KeyRing::DEVELOPMENT_KEY_ENTRY),
            ),
            (
                "retired under another kid",
                retired_under_another_kid.clone(),
            ),
        ] {
            let settings = real_tiktok(env, |v| {
                v.insert("TOKEN_ENCRYPTION_KEY".into(), ring);
            });
            assert_refused(
                cipher(&settings),
                "TOKEN_ENCRYPTION_KEY",
                &format!("APP_ENV={env:?} with the development key {what}"),
            );
        }
    }
}

#[test]
fn real_tiktok_refuses_a_jwt_secret_under_32_bytes_in_every_environment() {
    for env in ENVIRONMENTS {
        let short = real_tiktok(env, |v| {
            v.insert("AUTH_JWT_SECRET".into(), "x".repeat(31));
        });
        assert_refused(
            authenticator(&short),
            "AUTH_JWT_SECRET",
            &format!("APP_ENV={env:?} with a 31-byte secret"),
        );
        let enough = real_tiktok(env, |v| {
            v.insert("AUTH_JWT_SECRET".into(), "x".repeat(32));
        });
        assert!(authenticator(&enough).is_ok(), "APP_ENV={env:?}, 32 bytes");
    }
}

#[test]
fn the_development_keys_are_used_only_while_the_sandbox_stands_in_for_tiktok() {
    let load = |pairs: &[(&str, &str)]| {
        let vars = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::load(&vars, None).expect("loads")
    };
    // The sandbox (development, no client id): the development keys, and a short secret, are fine.
    for pairs in [
        &[][..],
        &[("APP_ENV", "development")][..],
        &[
            ("AUTH_JWT_SECRET", DEVELOPMENT_JWT_SECRET),
            ("TOKEN_ENCRYPTION_KEY", KeyRing::DEVELOPMENT_KEY_ENTRY),
        ][..],
        &[("AUTH_JWT_SECRET", "short")][..],
    ] {
        let settings = load(pairs);
        assert!(settings.uses_sandbox());
        assert!(cipher(&settings).is_ok(), "{pairs:?}");
        assert!(authenticator(&settings).is_ok(), "{pairs:?}");
    }
    // `test` without a client id runs no sandbox: no development keys either.
    let test = load(&[("APP_ENV", "test")]);
    assert_refused(cipher(&test), "TOKEN_ENCRYPTION_KEY", "test without keys");
    assert_refused(
        authenticator(&test),
        "AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY",
        "test without keys",
    );
}

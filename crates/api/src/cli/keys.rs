//! `migrate`, `rotate-keys`, `dev-token` and `gen-key`.

use base64::Engine;
use tiktok_adapters_crypto::KeyRing;

use super::CommandError;
use crate::dev_token::DevTokens;
use crate::settings::Settings;
use crate::wiring;

pub(super) async fn migrate(settings: &Settings) -> Result<(), CommandError> {
    let database = wiring::pool(settings)?;
    database
        .run_migrations()
        .await
        .map_err(|e| CommandError::new(super::error_chain(&e)))?;
    println!("migrations applied");
    Ok(())
}

pub(super) async fn rotate_keys(settings: &Settings, batch: u32) -> Result<(), CommandError> {
    let database = wiring::pool(settings)?;
    let report = wiring::key_rotation(settings, database)?.run(batch).await?;
    println!(
        "key rotation done: {} scanned, {} re-sealed, {} already current, {} changed meanwhile, {} unreadable",
        report.scanned, report.resealed, report.current, report.changed_meanwhile, report.unreadable
    );
    println!(
        "pending OAuth states: {} with a PKCE verifier, {} re-sealed, {} unreadable",
        report.pending_states, report.pending_states_resealed, report.pending_states_unreadable
    );
    println!(
        "TikTok Shop sellers: {} scanned, {} re-sealed, {} already current, {} changed meanwhile, {} unreadable",
        report.shop_sellers,
        report.shop_sellers_resealed,
        report.shop_sellers_current,
        report.shop_sellers_changed_meanwhile,
        report.shop_sellers_unreadable
    );
    println!(
        "TikTok Shop ciphers: {} scanned, {} re-sealed, {} unreadable",
        report.shop_ciphers, report.shop_ciphers_resealed, report.shop_ciphers_unreadable
    );
    Ok(())
}

/// Prints only the token, so that `TOKEN=$(tiktok-integration dev-token 42)` works.
pub(super) fn dev_token(settings: &Settings, user: &str, admin: bool) -> Result<(), CommandError> {
    let tokens = DevTokens::from_settings(settings).ok_or_else(|| {
        CommandError::new(
            "dev-token is not available in production, nor with AUTH_JWT_PUBLIC_KEY (tokens are HS256)",
        )
    })?;
    // 2100-01-01: a development token that does not expire during a walkthrough.
    let token = tokens
        .mint(user, admin, 4_102_444_800)
        .map_err(|e| CommandError::new(e.to_string()))?;
    println!("{token}");
    Ok(())
}

/// A key id that sorts by creation day and does not repeat: `kYYYYMMDD-xxxxxx`.
pub fn fresh_kid() -> String {
    format!(
        "k{}-{:06x}",
        chrono::Utc::now().format("%Y%m%d"),
        rand::random::<u32>() & 0xff_ffff
    )
}

/// Prints `kid:base64(32 random bytes)`: put it first in TOKEN_ENCRYPTION_KEY, keep the old entries after
/// it until `rotate-keys` has run.
pub(super) fn gen_key() -> Result<(), CommandError> {
    let key = KeyRing::generate_key_base64();
    debug_assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&key)
            .map(|k| k.len())
            .ok(),
        Some(32)
    );
    println!("{}:{key}", fresh_kid());
    Ok(())
}

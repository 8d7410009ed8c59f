//! Fixtures of the Shop use-case tests: a fixed clock, a cipher that tags its context, a connection.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::account::{ConnectionGeneration, SealedToken};
use crate::ports::{CipherError, MockClock, TokenCipher, TokenContext};
use crate::shop::*;
use crate::values::{AccessToken, RefreshToken, UserId};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0)
        .single()
        .expect("time")
}

pub(super) fn user() -> UserId {
    UserId::parse("u1").expect("user")
}

pub(super) fn clock() -> Arc<MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().returning(now);
    Arc::new(clock)
}

/// A cipher whose sealed text names the context: `sealed(<associated data>|<secret>)`; opening checks it.
pub(super) struct TagCipher;

impl TokenCipher for TagCipher {
    fn seal(
        &self,
        plaintext: &SecretString,
        context: &TokenContext,
    ) -> Result<SealedToken, CipherError> {
        let ad = String::from_utf8(context.associated_data()).expect("utf8");
        Ok(SealedToken::new(format!(
            "sealed({ad}|{})",
            plaintext.expose_secret()
        )))
    }

    fn open(
        &self,
        sealed: &SealedToken,
        context: &TokenContext,
    ) -> Result<SecretString, CipherError> {
        let ad = String::from_utf8(context.associated_data()).expect("utf8");
        let inner = sealed
            .as_str()
            .strip_prefix("sealed(")
            .and_then(|s| s.strip_suffix(')'))
            .ok_or(CipherError::Malformed)?;
        let (bound, secret) = inner.split_once('|').ok_or(CipherError::Malformed)?;
        if bound != ad {
            return Err(CipherError::Tampered);
        }
        Ok(SecretString::from(secret.to_owned()))
    }

    fn is_sealed_with_old_key(&self, _: &SealedToken) -> bool {
        false
    }
}

pub(super) fn sealed_access(token: &str) -> SealedToken {
    SealedToken::new(format!(
        "sealed(tiktok-integration/v1/shop_access_token/u1|{token})"
    ))
}

pub(super) fn sealed_refresh(token: &str) -> SealedToken {
    SealedToken::new(format!(
        "sealed(tiktok-integration/v1/shop_refresh_token/u1|{token})"
    ))
}

pub(super) fn shop() -> AuthorizedShop {
    AuthorizedShop {
        id: "7000714532876273420".into(),
        name: "Shop".into(),
        region: "GB".into(),
        seller_type: "LOCAL".into(),
        code: "C".into(),
        cipher: ShopCipher::new(SecretString::from("ROW_x".to_owned())),
    }
}

pub(super) fn seller() -> Seller {
    Seller {
        open_id: "o".into(),
        seller_name: "s".into(),
        seller_base_region: "GB".into(),
    }
}

/// A connected account whose access token `access` has `access_left` to live.
pub(super) fn account(access: &str, access_left: Duration, cursor: Option<i64>) -> ShopAccount {
    ShopAccount {
        user_id: user(),
        seller: seller(),
        granted_scopes: vec![],
        state: ShopConnectionState::Connected,
        grant: Some(SealedShopGrant {
            access_token: sealed_access(access),
            refresh_token: sealed_refresh(&format!("r-{access}")),
            access_expires_at: now() + access_left,
            refresh_expires_at: now() + Duration::days(300),
        }),
        shops: vec![StoredShop {
            id: shop().id,
            name: "Shop".into(),
            region: "GB".into(),
            seller_type: "LOCAL".into(),
            code: "C".into(),
            cipher: Some(SealedToken::new(
                "sealed(tiktok-integration/v1/shop_cipher/u1/7000714532876273420|ROW_x)".into(),
            )),
            authorized: true,
            orders_synced_until: cursor,
            products_synced_until: cursor,
        }],
        connected_at: now() - Duration::days(1),
        last_sync_at: None,
        reauth_due_at: None,
        disconnect_reason: None,
        generation: Some(ConnectionGeneration::new("g1".into())),
    }
}

/// A grant TikTok answers a refresh or an exchange with.
pub(super) fn grant(access: &str) -> ShopGrant {
    ShopGrant {
        open_id: "o".into(),
        seller_name: "s".into(),
        seller_base_region: "GB".into(),
        granted_scopes: vec!["seller.order.read".into()],
        access_token: AccessToken::new(SecretString::from(access.to_owned())),
        access_expires_at: now() + Duration::days(7),
        refresh_token: RefreshToken::new(SecretString::from(format!("r-{access}"))),
        refresh_expires_at: now() + Duration::days(300),
    }
}

pub(super) fn tokens(oauth: MockShopOAuth, connections: Arc<MockShopConnections>) -> ShopTokens {
    ShopTokens::new(
        Arc::new(oauth),
        connections,
        Arc::new(TagCipher),
        clock(),
        ShopTokenConfig {
            poll: std::time::Duration::from_millis(1),
            wait: std::time::Duration::from_millis(50),
            ..ShopTokenConfig::default()
        },
    )
}

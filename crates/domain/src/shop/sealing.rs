//! Sealing Shop secrets with the generic [`TokenCipher`]: tokens are bound to the user's connection row and
//! their column, a shop's cipher to `<user_id>/<shop_id>` and its column, so that a ciphertext copied to
//! another row or column (or to the account integration's columns) does not open.

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::account::{SealedToken, TokenKind};
use crate::ports::{TokenCipher, TokenContext};
use crate::values::{AccessToken, RefreshToken, UserId};

use super::{AuthorizedShop, SealedShop, SealedShopGrant, ShopCipher, ShopError, ShopGrant};

/// The owner a shop's cipher is bound to. User ids never contain `/`, so the pair is unambiguous.
pub fn shop_cipher_owner(user: &UserId, shop_id: &str) -> String {
    format!("{}/{shop_id}", user.as_str())
}

fn internal(error: crate::ports::CipherError) -> ShopError {
    ShopError::Internal(Box::new(error))
}

/// Seals both tokens of a grant for the user's row; TikTok's expiries are already absolute instants.
pub fn seal_grant(
    cipher: &dyn TokenCipher,
    user: &UserId,
    grant: &ShopGrant,
) -> Result<SealedShopGrant, ShopError> {
    let seal = |secret: &SecretString, kind| {
        cipher
            .seal(secret, &TokenContext::new(user.as_str(), kind))
            .map_err(internal)
    };
    Ok(SealedShopGrant {
        access_token: seal(grant.access_token.secret(), TokenKind::ShopAccess)?,
        refresh_token: seal(grant.refresh_token.secret(), TokenKind::ShopRefresh)?,
        access_expires_at: grant.access_expires_at,
        refresh_expires_at: grant.refresh_expires_at,
    })
}

/// Seals the shops' ciphers.
pub fn seal_shops(
    cipher: &dyn TokenCipher,
    user: &UserId,
    shops: &[AuthorizedShop],
) -> Result<Vec<SealedShop>, ShopError> {
    shops
        .iter()
        .map(|shop| {
            let context =
                TokenContext::new(shop_cipher_owner(user, &shop.id), TokenKind::ShopCipher);
            let secret = SecretString::from(shop.cipher.expose().to_owned());
            Ok(SealedShop {
                id: shop.id.clone(),
                name: shop.name.clone(),
                region: shop.region.clone(),
                seller_type: shop.seller_type.clone(),
                code: shop.code.clone(),
                cipher: cipher.seal(&secret, &context).map_err(internal)?,
            })
        })
        .collect()
}

/// Opens a sealed access token of the user's row.
pub fn open_access(
    cipher: &dyn TokenCipher,
    user: &UserId,
    sealed: &SealedToken,
) -> Result<AccessToken, crate::ports::CipherError> {
    cipher
        .open(
            sealed,
            &TokenContext::new(user.as_str(), TokenKind::ShopAccess),
        )
        .map(AccessToken::new)
}

/// Opens a sealed refresh token of the user's row.
pub fn open_refresh(
    cipher: &dyn TokenCipher,
    user: &UserId,
    sealed: &SealedToken,
) -> Result<RefreshToken, crate::ports::CipherError> {
    cipher
        .open(
            sealed,
            &TokenContext::new(user.as_str(), TokenKind::ShopRefresh),
        )
        .map(RefreshToken::new)
}

/// Opens a shop's sealed cipher.
pub fn open_cipher(
    cipher: &dyn TokenCipher,
    user: &UserId,
    shop_id: &str,
    sealed: &SealedToken,
) -> Result<ShopCipher, crate::ports::CipherError> {
    let context = TokenContext::new(shop_cipher_owner(user, shop_id), TokenKind::ShopCipher);
    cipher.open(sealed, &context).map(ShopCipher::new)
}

/// Whether an access token expiring at `expires_at` is still good for `margin` at `now`.
pub(crate) fn valid_for(
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    margin: chrono::Duration,
) -> bool {
    expires_at > now + margin
}

//! Key rotation's view of the Shop secrets (`SealedGrantStore`'s Shop half, implemented in
//! `crate::sealed_grants`): sellers' sealed tokens (`tiktok_shop_connections`) and shops' sealed ciphers
//! (`tiktok_shop_shops`), paged in key order and swapped only while unchanged.

use diesel::prelude::*;
use tiktok_domain::ports::{RepositoryError, SealedShopCipherRow, SealedShopGrantRow};
use tiktok_domain::{SealedToken, UserId};

use crate::errors::QueryFailure;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};
use crate::schema::tiktok_shop_shops::{self as s, table as shops};
use crate::Database;

/// Sellers holding a grant after `after_user`, in user id order (rows with an unparsable user id are skipped:
/// nothing could open them anyway).
pub(crate) async fn grants_after(
    db: &Database,
    after_user: &str,
    limit: u32,
) -> Result<Vec<SealedShopGrantRow>, RepositoryError> {
    let after = after_user.to_owned();
    let rows = db.run(move |conn| {
        let rows: Vec<(String, Option<String>, Option<String>)> = connections
            .select((c::user_id, c::access_token, c::refresh_token))
            .filter(c::user_id.gt(after))
            .filter(c::access_token.is_not_null())
            .filter(c::refresh_token.is_not_null())
            .order(c::user_id.asc())
            .limit(i64::from(limit))
            .load(conn)?;
        Ok::<_, QueryFailure>(
            rows.into_iter()
                .filter_map(|(user, access, refresh)| {
                    Some(SealedShopGrantRow {
                        user_id: UserId::parse(&user).ok()?,
                        access_token: SealedToken::new(access?),
                        refresh_token: SealedToken::new(refresh?),
                    })
                })
                .collect(),
        )
    });
    Ok(rows.await?)
}

/// Swaps both tokens of `old.user_id`'s connection while it still holds exactly `old`'s.
pub(crate) async fn reseal_grant(
    db: &Database,
    old: &SealedShopGrantRow,
    access_token: &SealedToken,
    refresh_token: &SealedToken,
) -> Result<bool, RepositoryError> {
    let (user, old_access, old_refresh) = (
        old.user_id.as_str().to_owned(),
        old.access_token.as_str().to_owned(),
        old.refresh_token.as_str().to_owned(),
    );
    let (access, refresh) = (
        access_token.as_str().to_owned(),
        refresh_token.as_str().to_owned(),
    );
    let changed = db.run(move |conn| {
        let target = connections
            .filter(c::user_id.eq(user))
            .filter(c::access_token.eq(old_access))
            .filter(c::refresh_token.eq(old_refresh));
        let n = diesel::update(target)
            .set((c::access_token.eq(access), c::refresh_token.eq(refresh)))
            .execute(conn)?;
        Ok::<_, QueryFailure>(n == 1)
    });
    Ok(changed.await?)
}

/// Shops holding a cipher after (`after_user`, `after_shop`), in (user id, shop id) order.
pub(crate) async fn ciphers_after(
    db: &Database,
    after_user: &str,
    after_shop: &str,
    limit: u32,
) -> Result<Vec<SealedShopCipherRow>, RepositoryError> {
    let (user, shop) = (after_user.to_owned(), after_shop.to_owned());
    let rows = db.run(move |conn| {
        let rows: Vec<(String, String, Option<String>)> = shops
            .select((s::user_id, s::shop_id, s::cipher))
            .filter(
                s::user_id
                    .gt(user.clone())
                    .or(s::user_id.eq(user).and(s::shop_id.gt(shop))),
            )
            .filter(s::cipher.is_not_null())
            .order((s::user_id.asc(), s::shop_id.asc()))
            .limit(i64::from(limit))
            .load(conn)?;
        Ok::<_, QueryFailure>(
            rows.into_iter()
                .filter_map(|(user, shop_id, cipher)| {
                    Some(SealedShopCipherRow {
                        user_id: UserId::parse(&user).ok()?,
                        shop_id,
                        cipher: SealedToken::new(cipher?),
                    })
                })
                .collect(),
        )
    });
    Ok(rows.await?)
}

/// Swaps the cipher of `old`'s shop while it still holds exactly `old`'s.
pub(crate) async fn reseal_cipher(
    db: &Database,
    old: &SealedShopCipherRow,
    cipher: &SealedToken,
) -> Result<bool, RepositoryError> {
    let (user, shop, old_cipher, new_cipher) = (
        old.user_id.as_str().to_owned(),
        old.shop_id.clone(),
        old.cipher.as_str().to_owned(),
        cipher.as_str().to_owned(),
    );
    let changed = db.run(move |conn| {
        let target = shops
            .filter(s::user_id.eq(user))
            .filter(s::shop_id.eq(shop))
            .filter(s::cipher.eq(old_cipher));
        let n = diesel::update(target)
            .set(s::cipher.eq(new_cipher))
            .execute(conn)?;
        Ok::<_, QueryFailure>(n == 1)
    });
    Ok(changed.await?)
}

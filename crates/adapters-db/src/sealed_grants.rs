//! [`SealedGrantStore`] for key rotation: accounts' sealed tokens (the account repository's table) and the
//! sealed PKCE verifiers of pending OAuth states (`oauth_states`), and the Shop secrets (`shop::rekey`).

use async_trait::async_trait;
use diesel::prelude::*;
use tiktok_domain::ports::{
    RepositoryError, SealedGrantRow, SealedGrantStore, SealedShopCipherRow, SealedShopGrantRow,
    SealedVerifierRow,
};
use tiktok_domain::{SealedToken, UserId};

use crate::errors::QueryFailure;
use crate::schema::oauth_states::{self as s, table as states};
use crate::schema::tiktok_accounts::{self as t, table as accounts};
use crate::shop::rekey;
use crate::DieselAccountRepository;

type Row = (i64, String, Option<String>, Option<String>);

fn to_row((id, user, access, refresh): Row) -> Option<SealedGrantRow> {
    Some(SealedGrantRow {
        id,
        user_id: UserId::parse(&user).ok()?,
        access_token: SealedToken::new(access?),
        refresh_token: SealedToken::new(refresh?),
    })
}

#[async_trait]
impl SealedGrantStore for DieselAccountRepository {
    async fn sealed_grants_after(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<SealedGrantRow>, RepositoryError> {
        let rows = self.db().run(move |conn| {
            let rows: Vec<Row> = accounts
                .select((t::id, t::user_id, t::access_token, t::refresh_token))
                .filter(t::id.gt(after_id))
                .filter(t::access_token.is_not_null())
                .order(t::id.asc())
                .limit(i64::from(limit))
                .load(conn)?;
            Ok::<_, QueryFailure>(rows.into_iter().filter_map(to_row).collect())
        });
        Ok(rows.await?)
    }

    async fn reseal(
        &self,
        old: &SealedGrantRow,
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
        let changed = self.db().run(move |conn| {
            let target = accounts
                .filter(t::user_id.eq(user))
                .filter(t::access_token.eq(old_access))
                .filter(t::refresh_token.eq(old_refresh));
            let n = diesel::update(target)
                .set((t::access_token.eq(access), t::refresh_token.eq(refresh)))
                .execute(conn)?;
            Ok::<_, QueryFailure>(n == 1)
        });
        Ok(changed.await?)
    }

    async fn sealed_verifiers_after(
        &self,
        after_fingerprint: &str,
        limit: u32,
    ) -> Result<Vec<SealedVerifierRow>, RepositoryError> {
        let after = after_fingerprint.to_owned();
        let rows = self.db().run(move |conn| {
            let rows: Vec<(String, Option<String>)> = states
                .select((s::state_fingerprint, s::code_verifier))
                .filter(s::state_fingerprint.gt(after))
                .filter(s::code_verifier.is_not_null())
                .order(s::state_fingerprint.asc())
                .limit(i64::from(limit))
                .load(conn)?;
            Ok::<_, QueryFailure>(
                rows.into_iter()
                    .filter_map(|(state_fingerprint, verifier)| {
                        Some(SealedVerifierRow {
                            state_fingerprint,
                            code_verifier: SealedToken::new(verifier?),
                        })
                    })
                    .collect(),
            )
        });
        Ok(rows.await?)
    }

    async fn reseal_verifier(
        &self,
        old: &SealedVerifierRow,
        code_verifier: &SealedToken,
    ) -> Result<bool, RepositoryError> {
        let (fingerprint, old_verifier, verifier) = (
            old.state_fingerprint.clone(),
            old.code_verifier.as_str().to_owned(),
            code_verifier.as_str().to_owned(),
        );
        let changed = self.db().run(move |conn| {
            let target = states
                .filter(s::state_fingerprint.eq(fingerprint))
                .filter(s::code_verifier.eq(old_verifier));
            let n = diesel::update(target)
                .set(s::code_verifier.eq(verifier))
                .execute(conn)?;
            Ok::<_, QueryFailure>(n == 1)
        });
        Ok(changed.await?)
    }

    async fn sealed_shop_grants_after(
        &self,
        after_user_id: &str,
        limit: u32,
    ) -> Result<Vec<SealedShopGrantRow>, RepositoryError> {
        rekey::grants_after(self.db(), after_user_id, limit).await
    }

    async fn reseal_shop_grant(
        &self,
        old: &SealedShopGrantRow,
        access_token: &SealedToken,
        refresh_token: &SealedToken,
    ) -> Result<bool, RepositoryError> {
        rekey::reseal_grant(self.db(), old, access_token, refresh_token).await
    }

    async fn sealed_shop_ciphers_after(
        &self,
        after_user_id: &str,
        after_shop_id: &str,
        limit: u32,
    ) -> Result<Vec<SealedShopCipherRow>, RepositoryError> {
        rekey::ciphers_after(self.db(), after_user_id, after_shop_id, limit).await
    }

    async fn reseal_shop_cipher(
        &self,
        old: &SealedShopCipherRow,
        cipher: &SealedToken,
    ) -> Result<bool, RepositoryError> {
        rekey::reseal_cipher(self.db(), old, cipher).await
    }
}

//! [`SealedGrantStore`] for key rotation, on the same table as the account repository.

use async_trait::async_trait;
use diesel::prelude::*;
use tiktok_domain::ports::{RepositoryError, SealedGrantRow, SealedGrantStore};
use tiktok_domain::{SealedToken, UserId};

use crate::errors::Failure;
use crate::schema::tiktok_accounts::{self as t, table as accounts};
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
            Ok::<_, Failure>(rows.into_iter().filter_map(to_row).collect())
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
            Ok::<_, Failure>(n == 1)
        });
        Ok(changed.await?)
    }
}

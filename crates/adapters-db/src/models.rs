//! Rows as Diesel reads and writes them, and their conversion to and from domain values.
//! Nothing here leaves the crate.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::ports::PendingAuthorization;
use tiktok_domain::{
    ConnectionGeneration, ConnectionState, DisconnectReason, OpenId, Profile, ReauthReason,
    RedirectUri, Scopes, SealedToken, StoredGrant, SyncFailure, TikTokAccount, UserId,
};

use crate::errors::CorruptRow;
use crate::schema::{oauth_states, tiktok_accounts};

/// The `tiktok_accounts` columns an account is made of, selected by name (`AccountRow::as_select()`): the
/// refresh lease columns are storage's business only and are not read.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tiktok_accounts)]
pub(crate) struct AccountRow {
    pub id: i64,
    pub user_id: String,
    pub tiktok_user_id: String,
    pub union_id: Option<String>,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub follower_count: Option<i64>,
    pub following_count: Option<i64>,
    pub like_count: Option<i64>,
    pub video_count: Option<i64>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub access_token_expires_at: Option<NaiveDateTime>,
    pub refresh_token_expires_at: Option<NaiveDateTime>,
    pub scopes: String,
    pub status: String,
    pub is_active: bool,
    pub disconnect_reason: Option<String>,
    pub last_sync_at: Option<NaiveDateTime>,
    pub connected_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub connection_generation: Option<String>,
    pub reauth_reason: Option<String>,
    pub last_sync_error_code: Option<String>,
    pub last_sync_error_message: Option<String>,
    pub last_sync_error_at: Option<NaiveDateTime>,
}

/// The columns of [`AccountRow`], by name, for `RETURNING`: `as_returning()` picks the multi-backend
/// connection's backend, for which the returning clause does not build, while this column tuple builds for all.
pub(crate) fn account_columns(
) -> <AccountRow as Selectable<diesel::sqlite::Sqlite>>::SelectExpression {
    <AccountRow as Selectable<diesel::sqlite::Sqlite>>::construct_selection()
}

/// A new `tiktok_accounts` row for a first connection (the profile comes with the first sync).
#[derive(Debug, Insertable)]
#[diesel(table_name = tiktok_accounts)]
pub(crate) struct NewAccountRow<'a> {
    pub user_id: &'a str,
    pub tiktok_user_id: &'a str,
    pub access_token: Option<&'a str>,
    pub refresh_token: Option<&'a str>,
    pub access_token_expires_at: Option<NaiveDateTime>,
    pub refresh_token_expires_at: Option<NaiveDateTime>,
    pub scopes: String,
    pub status: &'a str,
    pub is_active: bool,
    pub connected_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub connection_generation: Option<&'a str>,
}

/// An `oauth_states` row, in column order.
#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = oauth_states)]
pub(crate) struct StateRow {
    pub state_fingerprint: String,
    pub user_id: String,
    pub redirect_uri: String,
    pub code_verifier: Option<String>,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Storage keeps UTC instants as naive timestamps.
pub(crate) fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

fn corrupt(column: &'static str, reason: impl ToString) -> CorruptRow {
    CorruptRow {
        column,
        reason: reason.to_string(),
    }
}

impl TryFrom<AccountRow> for TikTokAccount {
    type Error = CorruptRow;

    fn try_from(row: AccountRow) -> Result<Self, CorruptRow> {
        let scopes =
            Scopes::parse_comma_separated(&row.scopes).map_err(|e| corrupt("scopes", e))?;
        let state = ConnectionState::parse(&row.status)
            .ok_or_else(|| corrupt("status", format!("unknown status {:?}", row.status)))?;
        if row.is_active != (state != ConnectionState::Disconnected) {
            return Err(corrupt("is_active", "disagrees with status"));
        }
        let disconnect_reason = match row.disconnect_reason.as_deref() {
            None => None,
            Some(raw) => Some(
                DisconnectReason::parse(raw)
                    .ok_or_else(|| corrupt("disconnect_reason", format!("unknown {raw:?}")))?,
            ),
        };
        let reauth_reason = match row.reauth_reason.as_deref() {
            None => None,
            Some(raw) => Some(
                ReauthReason::parse(raw)
                    .ok_or_else(|| corrupt("reauth_reason", format!("unknown {raw:?}")))?,
            ),
        };
        let last_sync_error = match (
            row.last_sync_error_code,
            row.last_sync_error_message,
            row.last_sync_error_at,
        ) {
            (Some(code), Some(message), Some(at)) => Some(SyncFailure {
                code,
                message,
                at: at.and_utc(),
            }),
            (None, None, None) => None,
            _ => {
                return Err(corrupt(
                    "last_sync_error_code",
                    "the last sync error columns are partly NULL",
                ))
            }
        };
        let grant = match (
            row.access_token,
            row.refresh_token,
            row.access_token_expires_at,
            row.refresh_token_expires_at,
        ) {
            (Some(access), Some(refresh), Some(access_exp), Some(refresh_exp)) => {
                Some(StoredGrant {
                    access_token: SealedToken::new(access),
                    refresh_token: SealedToken::new(refresh),
                    access_token_expires_at: access_exp.and_utc(),
                    refresh_token_expires_at: refresh_exp.and_utc(),
                    scopes: scopes.clone(),
                })
            }
            (None, None, None, None) => None,
            _ => return Err(corrupt("access_token", "the grant columns are partly NULL")),
        };
        Ok(TikTokAccount {
            id: row.id,
            user_id: UserId::parse(&row.user_id).map_err(|e| corrupt("user_id", e))?,
            tiktok_user_id: OpenId::parse(&row.tiktok_user_id)
                .map_err(|e| corrupt("tiktok_user_id", e))?,
            profile: Profile {
                union_id: row.union_id,
                username: row.username,
                display_name: row.display_name,
                avatar_url: row.avatar_url,
                follower_count: row.follower_count,
                following_count: row.following_count,
                like_count: row.like_count,
                video_count: row.video_count,
            },
            grant,
            scopes,
            state,
            disconnect_reason,
            last_sync_at: row.last_sync_at.map(|at| at.and_utc()),
            reauth_reason,
            last_sync_error,
            connected_at: row.connected_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            generation: row.connection_generation.map(ConnectionGeneration::new),
        })
    }
}

impl StateRow {
    /// The row for a new pending authorization, created now.
    pub(crate) fn new(pending: &PendingAuthorization, created_at: DateTime<Utc>) -> Self {
        Self {
            state_fingerprint: pending.state_fingerprint.clone(),
            user_id: pending.user_id.as_str().to_owned(),
            redirect_uri: pending.redirect_uri.as_str().to_owned(),
            code_verifier: pending
                .code_verifier
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            expires_at: naive(pending.expires_at),
            created_at: naive(created_at),
        }
    }
}

impl TryFrom<StateRow> for PendingAuthorization {
    type Error = CorruptRow;

    fn try_from(row: StateRow) -> Result<Self, CorruptRow> {
        Ok(PendingAuthorization {
            user_id: UserId::parse(&row.user_id).map_err(|e| corrupt("user_id", e))?,
            redirect_uri: RedirectUri::parse(&row.redirect_uri)
                .map_err(|e| corrupt("redirect_uri", e))?,
            state_fingerprint: row.state_fingerprint,
            code_verifier: row.code_verifier.map(SealedToken::new),
            expires_at: row.expires_at.and_utc(),
        })
    }
}

//! Storing a completed Shop authorization: create the user's row or reuse it, never two active rows per
//! seller `open_id`.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tiktok_domain::shop::{NewShopConnection, ShopAccount, ShopConnectionState};

use super::erase::erase_data;
use super::models::scopes_json;
use super::shops::{load_account, replace_shops};
use crate::connection::AnyConnection;
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::constraints::ACTIVE_SHOP_OPEN_ID;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};

/// Turns a violation of "one active connection per `open_id`" into [`QueryFailure::Conflict`].
fn conflict_on_active_open_id(error: DieselError) -> QueryFailure {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        let on_open_id = info.constraint_name() == Some(ACTIVE_SHOP_OPEN_ID)
            || info.message().contains("tiktok_shop_connections.open_id");
        if on_open_id {
            return QueryFailure::Conflict;
        }
    }
    QueryFailure::Diesel(error)
}

/// One attempt, inside the caller's write transaction. On a reconnect to another seller, that seller's
/// shops and data are erased first; on a reconnect to the same seller, the shops' cursors are kept.
pub(crate) fn save_connection_once(
    tx: &mut AnyConnection,
    new: &NewShopConnection,
) -> Result<ShopAccount, QueryFailure> {
    let (user, open_id, g) = (
        new.user_id.as_str(),
        new.seller.open_id.as_str(),
        &new.grant,
    );
    let taken_by_other = connections
        .filter(c::open_id.eq(open_id))
        .filter(c::status.ne(ShopConnectionState::NotConnected.as_str()))
        .filter(c::user_id.ne(user))
        .select(c::user_id)
        .first::<String>(tx)
        .optional()?;
    if taken_by_other.is_some() {
        return Err(QueryFailure::Conflict);
    }
    let previous_open_id = connections
        .filter(c::user_id.eq(user))
        .select(c::open_id)
        .first::<String>(tx)
        .optional()?;
    let at = naive(new.connected_at);
    let grant_and_state = (
        c::open_id.eq(open_id),
        c::seller_name.eq(&new.seller.seller_name),
        c::seller_base_region.eq(&new.seller.seller_base_region),
        c::granted_scopes.eq(scopes_json(&new.granted_scopes)),
        c::status.eq(ShopConnectionState::Connected.as_str()),
        c::access_token.eq(g.access_token.as_str()),
        c::refresh_token.eq(g.refresh_token.as_str()),
        c::access_token_expires_at.eq(naive(g.access_expires_at)),
        c::refresh_token_expires_at.eq(naive(g.refresh_expires_at)),
        c::connection_generation.eq(new.generation.as_str()),
        c::connected_at.eq(at),
        c::updated_at.eq(at),
    );
    let written = match previous_open_id {
        None => diesel::insert_into(connections)
            .values((c::user_id.eq(user), grant_and_state))
            .execute(tx),
        Some(previous) => {
            if previous != open_id {
                // Another seller: the stored shops, orders, products and figures are someone else's.
                erase_data(tx, user)?;
                diesel::update(connections.filter(c::user_id.eq(user)))
                    .set(c::last_sync_at.eq(None::<chrono::NaiveDateTime>))
                    .execute(tx)?;
            }
            diesel::update(connections.filter(c::user_id.eq(user)))
                .set((
                    grant_and_state,
                    (
                        c::disconnect_reason.eq(None::<String>),
                        c::reauth_due_at.eq(None::<chrono::NaiveDateTime>),
                        // A refresh of the previous grant in flight must not store its pair over this one.
                        c::refresh_lease_owner.eq(None::<String>),
                        c::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                    ),
                ))
                .execute(tx)
        }
    };
    written.map_err(conflict_on_active_open_id)?;
    replace_shops(tx, user, &new.shops, new.connected_at)?;
    load_account(tx, user)?.ok_or(QueryFailure::NotFound)
}

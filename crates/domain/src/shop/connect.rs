//! Connecting a seller: issue a state and the authorize link; on the callback, spend the state, exchange
//! the code, list the authorized shops, and store the seller, shops and sealed grant under a new generation.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::sealing::{seal_grant, seal_shops};
use super::{
    NewShopConnection, Seller, ShopConnections, ShopData, ShopError, ShopOAuth, ShopStatus,
};
use crate::account::ConnectionGeneration;
use crate::ports::{Clock, OAuthStateStore, PendingAuthorization, RepositoryError, TokenCipher};
use crate::usecases::Caller;
use crate::values::{AuthorizationCode, OAuthState, RedirectUri, UserId};

/// What the callback carried.
#[derive(Debug)]
pub enum ShopCallback {
    /// `code=`: the seller authorized.
    Code(AuthorizationCode),
    /// `error=` (e.g. `auth_denied`): the seller declined.
    Declined {
        /// TikTok's `error`.
        error: String,
    },
}

/// The start of an authorization.
#[derive(Debug, Clone)]
pub struct ShopAuthorizationStart {
    /// Where to send the seller (`…/open/authorize?service_id=…&state=…`).
    pub authorization_url: String,
    /// When the state expires.
    pub expires_at: DateTime<Utc>,
}

/// The fingerprint a Shop state is kept under: SHA-256 of `tiktok-shop/` and the state, so that a Shop
/// state and an account state live in the same store without either callback accepting the other's.
pub fn shop_state_fingerprint(state: &OAuthState) -> String {
    let mut digest = Sha256::new();
    digest.update(b"tiktok-shop/");
    digest.update(state.as_str().as_bytes());
    hex::encode(digest.finalize())
}

/// The connect use case.
pub struct ShopConnect {
    /// Pending states, shared with the account integration (fingerprints are domain-separated).
    pub states: Arc<dyn OAuthStateStore>,
    /// The authorize link and the token endpoint.
    pub oauth: Arc<dyn ShopOAuth>,
    /// The authorized shops.
    pub data: Arc<dyn ShopData>,
    /// Storage of the connection.
    pub connections: Arc<dyn ShopConnections>,
    /// Seals tokens and ciphers.
    pub cipher: Arc<dyn TokenCipher>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// How long a state lives (TikTok's code lives 30 minutes once issued).
    pub state_ttl: Duration,
    /// The callback URL configured at Partner Center (kept with the state for the record; not sent).
    pub redirect_uri: RedirectUri,
}

impl ShopConnect {
    /// Issues a state bound to the user and returns the authorize link.
    pub async fn init(
        &self,
        caller: &Caller,
        user: &UserId,
    ) -> Result<ShopAuthorizationStart, ShopError> {
        authorize(caller, user)?;
        let now = self.clock.now();
        let state = OAuthState::generate();
        let expires_at = now + self.state_ttl;
        if let Err(error) = self.states.purge_expired(now).await {
            tracing::warn!(%error, "could not purge expired OAuth states");
        }
        self.states
            .put(&PendingAuthorization {
                state_fingerprint: shop_state_fingerprint(&state),
                user_id: user.clone(),
                redirect_uri: self.redirect_uri.clone(),
                code_verifier: None,
                expires_at,
            })
            .await?;
        tracing::info!(user_id = %user, "Shop authorization started");
        Ok(ShopAuthorizationStart {
            authorization_url: self.oauth.authorization_url(&state),
            expires_at,
        })
    }

    /// Completes the authorization. The state (required: an install from Seller Center's app store has
    /// none and cannot be tied to a user) is spent by its first use by its own user, whatever the outcome.
    pub async fn callback(
        &self,
        caller: &Caller,
        user: &UserId,
        state: Option<&OAuthState>,
        outcome: ShopCallback,
    ) -> Result<ShopStatus, ShopError> {
        authorize(caller, user)?;
        let state = state.ok_or(ShopError::InvalidState)?;
        let now = self.clock.now();
        let pending = self
            .states
            .take(&shop_state_fingerprint(state), user)
            .await?
            .ok_or(ShopError::InvalidState)?;
        if pending.expires_at <= now || &pending.user_id != user {
            return Err(ShopError::InvalidState);
        }
        let code = match outcome {
            ShopCallback::Code(code) => code,
            ShopCallback::Declined { error } => {
                tracing::info!(user_id = %user, tiktok_error = %error, "seller declined at TikTok Shop");
                return Err(ShopError::Declined { error });
            }
        };
        let grant = self.oauth.exchange_code(&code).await?;
        let shops = self.data.authorized_shops(&grant.access_token).await?;
        let connection = NewShopConnection {
            user_id: user.clone(),
            seller: Seller {
                open_id: grant.open_id.clone(),
                seller_name: grant.seller_name.clone(),
                seller_base_region: grant.seller_base_region.clone(),
            },
            granted_scopes: grant.granted_scopes.clone(),
            grant: seal_grant(self.cipher.as_ref(), user, &grant)?,
            shops: seal_shops(self.cipher.as_ref(), user, &shops)?,
            connected_at: now,
            generation: ConnectionGeneration::generate(),
        };
        let account = match self.connections.save_connection(&connection).await {
            Ok(account) => account,
            Err(RepositoryError::Conflict) => return Err(ShopError::SellerInUse),
            Err(error) => return Err(error.into()),
        };
        tracing::info!(user_id = %user, shops = shops.len(), "TikTok Shop seller connected");
        Ok(ShopStatus::of(user.clone(), Some(account)))
    }
}

/// Refuses callers who may not act for `user`.
pub(crate) fn authorize(caller: &Caller, user: &UserId) -> Result<(), ShopError> {
    if caller.may_act_for(user) {
        Ok(())
    } else {
        Err(ShopError::Forbidden)
    }
}

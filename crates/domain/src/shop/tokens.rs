//! Fresh Shop access tokens: refreshed before expiry, one refresh per seller at a time across replicas
//! (an in-process flight, then the storage lease, as the account integration does), the rotated pair
//! stored (and the lease freed) before the new token is used; a refused grant marks the connection
//! `reauth_required`.

use std::sync::Arc;

use chrono::Duration;

use super::flight::Flights;
use super::sealing::{open_access, open_refresh, seal_grant, valid_for};
use super::{
    ShopAccount, ShopApiError, ShopConnectionState, ShopConnections, ShopError, ShopOAuth,
};
use crate::account::ConnectionGeneration;
use crate::ports::{Clock, RefreshLease, RepositoryError, TokenCipher};
use crate::values::{AccessToken, UserId};

/// What a caller needs from the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenNeed {
    /// Valid beyond the refresh margin.
    IfDue,
    /// Valid beyond this lookahead (the background refresher renews early).
    Ahead(Duration),
    /// Another token than this one, which TikTok refused with `105002`.
    Replace(crate::account::SealedToken),
}

/// An access token to use, the connection it was read from, and that connection's generation.
#[derive(Debug, Clone)]
pub struct FreshShopToken {
    /// The access token (sent as `x-tts-access-token`).
    pub token: AccessToken,
    /// The connection as read (shops, cursors, sealed ciphers).
    pub account: ShopAccount,
    /// Its generation, which every write of a sync carries.
    pub generation: ConnectionGeneration,
}

/// Settings of the refresh.
#[derive(Debug, Clone)]
pub struct ShopTokenConfig {
    /// Refresh when the access token has less than this left.
    pub refresh_margin: Duration,
    /// How long a refresh lease holds (longer than a refresh can take).
    pub lease: Duration,
    /// How long a request waits for another replica's refresh.
    pub wait: std::time::Duration,
    /// How often it looks again meanwhile.
    pub poll: std::time::Duration,
}

impl Default for ShopTokenConfig {
    fn default() -> Self {
        Self {
            refresh_margin: Duration::minutes(10),
            lease: Duration::seconds(30),
            wait: std::time::Duration::from_secs(10),
            poll: std::time::Duration::from_millis(100),
        }
    }
}

/// The token use case; clones share the in-process flights.
#[derive(Clone)]
pub struct ShopTokens {
    oauth: Arc<dyn ShopOAuth>,
    connections: Arc<dyn ShopConnections>,
    cipher: Arc<dyn TokenCipher>,
    clock: Arc<dyn Clock>,
    config: ShopTokenConfig,
    flights: Arc<Flights>,
}

/// What a background refresh round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShopRefreshReport {
    /// Tokens renewed (or found renewed by another replica).
    pub refreshed: u64,
    /// Sellers whose refresh failed.
    pub failed: u64,
    /// Sellers no longer due or no longer connected, or left because the round was stopping.
    pub skipped: u64,
}

impl ShopTokens {
    /// Builds the use case from the ports it needs.
    pub fn new(
        oauth: Arc<dyn ShopOAuth>,
        connections: Arc<dyn ShopConnections>,
        cipher: Arc<dyn TokenCipher>,
        clock: Arc<dyn Clock>,
        config: ShopTokenConfig,
    ) -> Self {
        Self {
            oauth,
            connections,
            cipher,
            clock,
            config,
            flights: Arc::default(),
        }
    }

    /// An access token meeting `need` for the user's connected seller, refreshing first when needed.
    pub async fn fresh(&self, user: &UserId, need: TokenNeed) -> Result<FreshShopToken, ShopError> {
        let account = self.active(user).await?;
        if let Some(fresh) = self.usable(&account, &need)? {
            return Ok(fresh);
        }
        let _turn = tokio::time::timeout(self.config.wait, self.flights.enter(user))
            .await
            .map_err(|_| ShopError::RefreshBusy)?;
        let deadline = tokio::time::Instant::now() + self.config.wait;
        loop {
            // Whoever had the turn before us (here or on another replica) may have refreshed already.
            let account = self.active(user).await?;
            if let Some(fresh) = self.usable(&account, &need)? {
                return Ok(fresh);
            }
            let now = self.clock.now();
            let lease = self.flights.new_lease(now + self.config.lease);
            if let Some(current) = self
                .connections
                .try_acquire_refresh_lease(user, &lease, now)
                .await?
            {
                return self.refresh_under_lease(current, &need, &lease).await;
            }
            if tokio::time::Instant::now() + self.config.poll >= deadline {
                return Err(ShopError::RefreshBusy);
            }
            tokio::time::sleep(self.config.poll).await;
        }
    }

    /// Renews the tokens expiring within twice the margin, for up to `limit` sellers; `stopping` is asked
    /// before each, so that a shutdown never cuts a refresh between TikTok's answer and the commit.
    pub async fn refresh_due(
        &self,
        limit: u32,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<ShopRefreshReport, ShopError> {
        let lookahead = self.config.refresh_margin * 2;
        let due = self
            .connections
            .due_for_refresh(self.clock.now() + lookahead, limit)
            .await?;
        let mut report = ShopRefreshReport::default();
        for user in due {
            if stopping() {
                report.skipped += 1;
                continue;
            }
            match self.fresh(&user, TokenNeed::Ahead(lookahead)).await {
                Ok(_) => report.refreshed += 1,
                Err(ShopError::NotConnected | ShopError::ReauthRequired) => report.skipped += 1,
                Err(error) => {
                    tracing::warn!(user_id = %user, %error, "background Shop token refresh failed");
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    async fn active(&self, user: &UserId) -> Result<ShopAccount, ShopError> {
        let account = self
            .connections
            .connection(user)
            .await?
            .ok_or(ShopError::NotConnected)?;
        match account.state {
            ShopConnectionState::Connected => Ok(account),
            ShopConnectionState::ReauthRequired => Err(ShopError::ReauthRequired),
            ShopConnectionState::NotConnected => Err(ShopError::NotConnected),
        }
    }

    /// The stored token if it meets the need; `None` when a refresh is needed.
    fn usable(
        &self,
        account: &ShopAccount,
        need: &TokenNeed,
    ) -> Result<Option<FreshShopToken>, ShopError> {
        let (Some(grant), Some(generation)) = (&account.grant, &account.generation) else {
            return Err(ShopError::ReauthRequired);
        };
        let now = self.clock.now();
        let meets = match need {
            TokenNeed::IfDue => valid_for(grant.access_expires_at, now, self.config.refresh_margin),
            TokenNeed::Ahead(lookahead) => valid_for(grant.access_expires_at, now, *lookahead),
            TokenNeed::Replace(refused) => {
                &grant.access_token != refused
                    && valid_for(grant.access_expires_at, now, self.config.refresh_margin)
            }
        };
        if !meets {
            return Ok(None);
        }
        // A stored access token that does not open (moved, altered, or its key removed) is replaced by a
        // refresh; if the refresh token does not open either, the seller is asked to authorize again.
        let token = match open_access(self.cipher.as_ref(), &account.user_id, &grant.access_token) {
            Ok(token) => token,
            Err(error) => {
                tracing::error!(user_id = %account.user_id, %error, "stored Shop access token does not open; refreshing it");
                return Ok(None);
            }
        };
        Ok(Some(FreshShopToken {
            token,
            account: account.clone(),
            generation: generation.clone(),
        }))
    }

    async fn refresh_under_lease(
        &self,
        current: ShopAccount,
        need: &TokenNeed,
        lease: &RefreshLease,
    ) -> Result<FreshShopToken, ShopError> {
        let user = current.user_id.clone();
        let outcome = self.refresh_locked(current, need, lease).await;
        if !matches!(outcome, Ok(_) | Err(ShopError::ReauthRequired)) {
            // Stored or marked frees the lease already; anything else frees it here.
            if let Err(error) = self.connections.release_refresh_lease(&user, lease).await {
                tracing::warn!(user_id = %user, %error, "could not free the Shop refresh lease; it will expire");
            }
        }
        outcome
    }

    async fn refresh_locked(
        &self,
        current: ShopAccount,
        need: &TokenNeed,
        lease: &RefreshLease,
    ) -> Result<FreshShopToken, ShopError> {
        let user = current.user_id.clone();
        if let Some(fresh) = self.usable(&current, need)? {
            if let Err(error) = self.connections.release_refresh_lease(&user, lease).await {
                tracing::warn!(user_id = %user, %error, "could not free the Shop refresh lease; it will expire");
            }
            return Ok(fresh);
        }
        let grant = current.grant.clone().ok_or(ShopError::ReauthRequired)?;
        let now = self.clock.now();
        if grant.refresh_expires_at <= now {
            return Err(self.mark_reauth(&user, &grant.refresh_token).await);
        }
        let refresh_token = match open_refresh(self.cipher.as_ref(), &user, &grant.refresh_token) {
            Ok(token) => token,
            Err(error) => {
                tracing::error!(user_id = %user, %error, "stored Shop refresh token does not open");
                return Err(self.mark_reauth(&user, &grant.refresh_token).await);
            }
        };
        let new_grant = match self.oauth.refresh(&refresh_token).await {
            Ok(new_grant) => new_grant,
            Err(ShopApiError::ReauthRequired { code }) => {
                tracing::warn!(user_id = %user, code, "TikTok Shop refused the refresh token");
                return Err(self.mark_reauth(&user, &grant.refresh_token).await);
            }
            Err(error) => return Err(error.into()),
        };
        let sealed = seal_grant(self.cipher.as_ref(), &user, &new_grant)?;
        // Stored (and the lease freed) before the new token is used: the old refresh token may be dead.
        match self
            .connections
            .save_refreshed_grant(&user, lease, &sealed, now)
            .await
        {
            Ok(()) => {}
            Err(RepositoryError::NotFound) => {
                tracing::warn!(user_id = %user, "the Shop connection changed during the refresh; pair not stored");
                return Err(ShopError::RefreshBusy);
            }
            Err(error) => return Err(error.into()),
        }
        let mut account = current;
        account.grant = Some(sealed);
        let generation = account.generation.clone().ok_or(ShopError::NotConnected)?;
        tracing::info!(user_id = %user, "Shop access token refreshed");
        Ok(FreshShopToken {
            token: new_grant.access_token,
            account,
            generation,
        })
    }

    async fn mark_reauth(&self, user: &UserId, refused: &crate::account::SealedToken) -> ShopError {
        match self
            .connections
            .mark_reauth_required(user, refused, self.clock.now())
            .await
        {
            Ok(()) => ShopError::ReauthRequired,
            // Another grant was stored meanwhile: the caller retries with it.
            Err(RepositoryError::NotFound) => ShopError::RefreshBusy,
            Err(error) => error.into(),
        }
    }
}

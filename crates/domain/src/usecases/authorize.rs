//! Starting and completing TikTok's authorization (Login Kit v2).

use crate::account::{ConnectionGeneration, NewConnection, TokenKind};
use crate::ports::{AuthorizationRequest, PendingAuthorization, RepositoryError, TokenContext};
use crate::values::{AccessToken, CodeVerifier, OAuthState, RedirectUri, UserId};

use super::caller::ensure_may_act_for;
use super::sync::record_sync_failure;
use super::tokens::seal_grant;
use super::{
    AuthorizationStart, CallbackOutcome, Caller, ConnectionStatus, Connections, ServiceError,
};

impl Connections {
    /// Issues a state bound to the user and the redirect URI, keeps it server-side, and returns TikTok's
    /// authorize URL. `redirect_uri` must equal one allowed URI byte for byte; `None` takes the default.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn start_authorization(
        &self,
        caller: &Caller,
        user_id: &UserId,
        redirect_uri: Option<&str>,
    ) -> Result<AuthorizationStart, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let redirect_uri: RedirectUri = match redirect_uri {
            None => self.config.default_redirect_uri.clone(),
            Some(raw) => self
                .config
                .allowed_redirect_uri(raw)
                .cloned()
                .ok_or(ServiceError::InvalidRedirectUri)?,
        };
        let now = self.clock.now();
        let state = OAuthState::generate();
        let code_verifier = self.config.pkce.then(CodeVerifier::generate);
        let sealed_verifier = match &code_verifier {
            Some(verifier) => {
                let context = TokenContext::new(state.fingerprint(), TokenKind::CodeVerifier);
                Some(
                    self.cipher
                        .seal(verifier.secret(), &context)
                        .map_err(|e| ServiceError::Internal(e.into()))?,
                )
            }
            None => None,
        };
        let expires_at = now + self.config.state_ttl;
        let pending = PendingAuthorization {
            state_fingerprint: state.fingerprint(),
            user_id: user_id.clone(),
            redirect_uri: redirect_uri.clone(),
            code_verifier: sealed_verifier,
            expires_at,
        };
        // Expired states are useless; clearing them here keeps the table small without a scheduler.
        if let Err(error) = self.states.purge_expired(now).await {
            tracing::warn!(%error, "could not purge expired OAuth states");
        }
        self.states.put(&pending).await?;
        let authorization_url = self.oauth.authorization_url(&AuthorizationRequest {
            scopes: self.config.scopes.clone(),
            redirect_uri,
            state: state.clone(),
            code_verifier,
        });
        tracing::info!("authorization started");
        Ok(AuthorizationStart {
            authorization_url,
            state,
            expires_at,
        })
    }

    /// Completes the authorization: spends the state (whatever the outcome) if it was issued to `user_id`,
    /// exchanges the code with the redirect URI the state was issued for, stores the sealed grant under a
    /// new [`ConnectionGeneration`], then reads the profile. A state issued to another user is refused
    /// (`invalid_state`) and left to its owner.
    ///
    /// The grant is stored before the profile is read, so a TikTok failure on the profile loses nothing:
    /// the account is connected and the next sync fills the profile in.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn complete_authorization(
        &self,
        caller: &Caller,
        user_id: &UserId,
        state: &OAuthState,
        outcome: CallbackOutcome,
    ) -> Result<ConnectionStatus, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let now = self.clock.now();
        let pending = self
            .states
            .take(&state.fingerprint(), user_id)
            .await?
            .ok_or(ServiceError::InvalidState)?;
        if pending.expires_at <= now || &pending.user_id != user_id {
            tracing::warn!("OAuth state expired or issued to another user");
            return Err(ServiceError::InvalidState);
        }
        let code = match outcome {
            CallbackOutcome::Code(code) => code,
            CallbackOutcome::Denied { error } => {
                tracing::info!(tiktok_error = %error, "creator declined at TikTok");
                return Err(ServiceError::AuthorizationDenied { error });
            }
            CallbackOutcome::Missing => {
                return Err(ServiceError::InvalidRequest(
                    "the callback carries neither code nor error".into(),
                ))
            }
            CallbackOutcome::Malformed { reason } => {
                return Err(ServiceError::InvalidRequest(reason))
            }
        };
        let verifier = match &pending.code_verifier {
            Some(sealed) => {
                let context =
                    TokenContext::new(pending.state_fingerprint.clone(), TokenKind::CodeVerifier);
                let secret = self
                    .cipher
                    .open(sealed, &context)
                    .map_err(|e| ServiceError::Internal(e.into()))?;
                Some(CodeVerifier::from_secret(secret))
            }
            None => None,
        };
        let grant = self
            .oauth
            .exchange_code(&code, &pending.redirect_uri, verifier)
            .await?;
        let access_token = grant.access_token.clone();
        let stored = seal_grant(self.cipher.as_ref(), user_id, &grant, now)?;
        let connection = NewConnection {
            user_id: user_id.clone(),
            tiktok_user_id: grant.open_id.clone(),
            grant: stored,
            connected_at: now,
            generation: ConnectionGeneration::generate(),
        };
        let mut account = match self.accounts.save_connection(&connection).await {
            Ok(account) => account,
            Err(RepositoryError::Conflict) => {
                self.revoke_unused_grant(&access_token).await;
                return Err(ServiceError::AccountInUse);
            }
            Err(error) => return Err(error.into()),
        };
        tracing::info!(scopes = %grant.scopes.to_comma_separated(), "TikTok account connected");
        match self.data.user_info(&access_token, &grant.scopes).await {
            Ok(info) => {
                account = self
                    .accounts
                    .save_profile(
                        user_id,
                        &connection.generation,
                        &info.profile,
                        self.clock.now(),
                    )
                    .await?
            }
            Err(error) => {
                tracing::warn!(%error, "connected, but the profile could not be read yet");
                let error = ServiceError::from(error);
                account.last_sync_error = record_sync_failure(
                    self.accounts.as_ref(),
                    self.clock.as_ref(),
                    user_id,
                    &connection.generation,
                    &error,
                )
                .await;
            }
        }
        Ok(ConnectionStatus::of(user_id.clone(), Some(account))
            .with_reauth_warning(self.clock.now(), self.config.reauth_warning))
    }

    /// TikTok just issued a grant we will not store (its TikTok account is connected to another user):
    /// revoke it rather than leave it live and unaccounted for. A failure is logged; the answer stays
    /// `account_in_use`.
    async fn revoke_unused_grant(&self, access_token: &AccessToken) {
        match self.oauth.revoke(access_token).await {
            Ok(()) => {
                tracing::info!(
                    "TikTok account already connected to another user; the new grant was revoked"
                )
            }
            Err(error) => {
                tracing::warn!(%error, "TikTok account already connected to another user; the new grant could not be revoked")
            }
        }
    }
}

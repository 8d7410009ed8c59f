//! Development tokens: HS256 JWTs signed with the secret callers are verified with, for the `dev-token`
//! command and the development sign-in route (`POST /dev/token`, only in development with the sandbox).

use secrecy::ExposeSecret;

use crate::auth::{self, Claims};
use crate::settings::{is_blank, Environment, Settings};

/// Mints development tokens that the service's own [`Authenticator`](crate::auth::Authenticator) accepts.
#[derive(Clone)]
pub struct DevTokens {
    secret: Vec<u8>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for DevTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevTokens").finish_non_exhaustive()
    }
}

impl DevTokens {
    /// The minter for these settings: `AUTH_JWT_SECRET`, or the development secret when it is blank.
    /// `None` in production, and when callers are verified with a public key (HS256 tokens would be refused).
    pub fn from_settings(settings: &Settings) -> Option<Self> {
        if settings.environment == Environment::Production
            || !is_blank(&settings.security.jwt_public_key)
        {
            return None;
        }
        let secret = settings.security.jwt_secret.expose_secret();
        let secret = if secret.trim().is_empty() {
            auth::DEVELOPMENT_JWT_SECRET
        } else {
            secret
        };
        let non_empty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        Some(Self {
            secret: secret.as_bytes().to_vec(),
            issuer: non_empty(&settings.security.jwt_issuer),
            audience: non_empty(&settings.security.jwt_audience),
        })
    }

    /// A token for `subject` (a user id, or a service's name when `admin`) that expires at `exp` (Unix
    /// seconds).
    pub fn mint(
        &self,
        subject: &str,
        admin: bool,
        exp: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: subject.to_owned(),
            exp,
            scope: admin.then(|| auth::ADMIN_SCOPE.to_owned()),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        auth::mint_hs256(&self.secret, &claims)
    }
}

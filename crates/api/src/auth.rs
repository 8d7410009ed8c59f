//! Caller authentication: a bearer JWT issued by the platform's user system.
//!
//! Only the configured algorithm is accepted (HS256 with `AUTH_JWT_SECRET`, or RS256/ES256 with the PEM in
//! `AUTH_JWT_PUBLIC_KEY`), so `alg: none` and algorithm confusion fail. `exp` and `sub` are required; `nbf`,
//! when present, must not be in the future (with the same 30 s leeway as `exp`). When `AUTH_JWT_ISSUER` or
//! `AUTH_JWT_AUDIENCE` is configured, `iss` or `aud` is required and must match; `aud` may be one string or
//! an array that contains ours (RFC 7519 §4.1.3). A token whose `scope` claim holds `tiktok:admin` is an internal
//! service and may act for any user; any other token acts for its `sub` only. The domain sees a plain
//! [`Caller`].

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use jsonwebtoken::{decode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tiktok_domain::usecases::Caller;
use tiktok_domain::UserId;

use crate::error::ApiError;

/// The scope that makes a token an internal service's.
pub const ADMIN_SCOPE: &str = "tiktok:admin";

/// The HS256 secret used in development when `AUTH_JWT_SECRET` is not set. Refused in production.
pub const DEVELOPMENT_JWT_SECRET: &str = "development-only-jwt-secret-never-use-in-production";

/// The claims we read.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The product user id, or the service's name.
    pub sub: String,
    /// Expiry, Unix seconds.
    pub exp: u64,
    /// Space-separated scopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// The claims a verified token is read for: `iss`, `aud`, `exp` and `nbf` are checked by the validation, and
/// `aud` may be an array, which [`Claims`] (made for minting) cannot hold.
#[derive(Debug, Deserialize)]
struct VerifiedClaims {
    sub: String,
    #[serde(default)]
    scope: Option<String>,
}

/// Why a verification key could not be used.
#[derive(Debug, thiserror::Error)]
#[error("AUTH_JWT_PUBLIC_KEY is neither an RSA nor an EC (P-256) public key in PEM")]
pub struct KeyError;

/// Verifies callers' JWTs.
#[derive(Clone)]
pub struct Authenticator {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// HS256 with a shared secret.
    pub fn hs256(secret: &[u8], issuer: Option<&str>, audience: Option<&str>) -> Self {
        Self {
            key: DecodingKey::from_secret(secret),
            validation: validation(Algorithm::HS256, issuer, audience),
        }
    }

    /// RS256 or ES256, whichever the PEM public key is.
    pub fn public_key(
        pem: &[u8],
        issuer: Option<&str>,
        audience: Option<&str>,
    ) -> Result<Self, KeyError> {
        if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            return Ok(Self {
                key,
                validation: validation(Algorithm::RS256, issuer, audience),
            });
        }
        let key = DecodingKey::from_ec_pem(pem).map_err(|_| KeyError)?;
        Ok(Self {
            key,
            validation: validation(Algorithm::ES256, issuer, audience),
        })
    }

    /// The caller behind an `Authorization` header value.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Caller, ApiError> {
        let header =
            authorization.ok_or_else(|| ApiError::unauthenticated("a bearer token is required"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthenticated("the Authorization header must be `Bearer <token>`")
            })?;
        let claims = decode::<VerifiedClaims>(token, &self.key, &self.validation)
            .map_err(|e| {
                tracing::info!(reason = ?e.kind(), "caller token refused");
                ApiError::unauthenticated("the bearer token is invalid or expired")
            })?
            .claims;
        let is_admin = claims
            .scope
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .any(|s| s == ADMIN_SCOPE);
        if is_admin {
            return Ok(Caller::Service { name: claims.sub });
        }
        let user = UserId::parse(&claims.sub)
            .map_err(|_| ApiError::unauthenticated("the token's subject is not a valid user id"))?;
        Ok(Caller::User(user))
    }
}

fn validation(algorithm: Algorithm, issuer: Option<&str>, audience: Option<&str>) -> Validation {
    let mut v = Validation::new(algorithm);
    let mut required = vec!["exp", "sub"];
    required.extend(issuer.map(|_| "iss"));
    required.extend(audience.map(|_| "aud"));
    v.set_required_spec_claims(&required);
    v.leeway = 30;
    v.validate_nbf = true;
    match issuer {
        Some(iss) => v.set_issuer(&[iss]),
        None => v.iss = None,
    }
    match audience {
        Some(aud) => v.set_audience(&[aud]),
        None => v.validate_aud = false,
    }
    v
}

/// Mints an HS256 token; used by the `dev-token` command and by tests.
pub fn mint_hs256(secret: &[u8], claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
}

/// The authenticated caller of a request, extracted before the handler runs.
#[derive(Debug, Clone)]
pub struct AuthenticatedCaller(pub Caller);

impl FromRequest for AuthenticatedCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.app_data::<web::Data<Authenticator>>() {
            None => Err(ApiError::new(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "internal error",
            )),
            Some(auth) => {
                let value = req
                    .headers()
                    .get(header::AUTHORIZATION)
                    .map(|v| v.to_str().unwrap_or(""));
                auth.authenticate(value).map(AuthenticatedCaller)
            }
        };
        ready(result)
    }
}

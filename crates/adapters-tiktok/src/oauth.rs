//! Login Kit: the authorize URL and the token and revoke endpoints (flat OAuth bodies, never retried).

use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tiktok_domain::ports::{AuthorizationRequest, OAuthError, TikTokOAuth, TokenGrant};
use tiktok_domain::values::{
    AccessToken, AuthorizationCode, CodeVerifier, OpenId, RedirectUri, RefreshToken, Scopes,
};

use crate::client::{RawResponse, TikTokHttpClient, Transport, WireError};

/// The token endpoint's body: the flat success fields or the flat error fields. No `Debug`: it holds tokens.
#[derive(Deserialize, Default)]
struct TokenBody {
    access_token: Option<String>,
    expires_in: Option<i64>,
    open_id: Option<String>,
    refresh_expires_in: Option<i64>,
    refresh_token: Option<String>,
    scope: Option<String>,
    /// A string in OAuth errors; tolerated as an object with `code` too.
    error: Option<Value>,
    error_description: Option<String>,
    log_id: Option<String>,
    /// The legacy v1 wrapper `{"data": {…}}`.
    data: Option<Box<TokenBody>>,
}

impl TokenBody {
    fn parse(raw: &[u8]) -> Option<Self> {
        let body: Self = serde_json::from_slice(raw).ok()?;
        if body.access_token.is_none() && body.error.is_none() {
            if let Some(inner) = body.data {
                return Some(*inner);
            }
        }
        Some(body)
    }

    fn error_code(&self) -> Option<String> {
        match self.error.as_ref()? {
            Value::String(code) => Some(code.clone()),
            Value::Object(obj) => obj.get("code")?.as_str().map(str::to_owned),
            _ => None,
        }
    }

    fn into_grant(self) -> Result<TokenGrant, WireError> {
        let secret = |v: Option<String>, what| {
            v.filter(|t| !t.is_empty())
                .map(SecretString::from)
                .ok_or_else(|| WireError::missing(what))
        };
        let seconds = |v: Option<i64>, what| {
            v.and_then(|s| u64::try_from(s).ok())
                .map(Duration::from_secs)
                .ok_or_else(|| WireError::missing(what))
        };
        let open_id = self.open_id.as_deref().unwrap_or_default();
        Ok(TokenGrant {
            open_id: OpenId::parse(open_id).map_err(|_| WireError::missing("open_id"))?,
            scopes: lenient_scopes(self.scope.as_deref().unwrap_or_default()),
            access_token: AccessToken::new(secret(self.access_token, "access_token")?),
            expires_in: seconds(self.expires_in, "expires_in")?,
            refresh_token: RefreshToken::new(secret(self.refresh_token, "refresh_token")?),
            refresh_expires_in: seconds(self.refresh_expires_in, "refresh_expires_in")?,
        })
    }
}

/// The granted scopes, skipping any of an unexpected shape: after a refresh TikTok has already rotated the
/// tokens, so refusing the whole answer over a new scope name would lose the only valid refresh token.
fn lenient_scopes(raw: &str) -> Scopes {
    let valid: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| tiktok_domain::Scope::parse(s).is_ok())
        .collect();
    if valid.len() < raw.split(',').filter(|s| !s.trim().is_empty()).count() {
        tracing::warn!("TikTok granted a scope of an unexpected shape; it is ignored");
    }
    Scopes::parse_comma_separated(&valid.join(",")).unwrap_or_default()
}

impl TikTokHttpClient {
    /// Posts a form to an OAuth endpoint with the client credentials. One attempt only.
    async fn post_form(
        &self,
        which: &'static str,
        fields: &[(&str, &str)],
    ) -> Result<(RawResponse, Option<TokenBody>), OAuthError> {
        let url = if which == "revoke" {
            &self.urls.revoke
        } else {
            &self.urls.token
        };
        let mut form = vec![
            ("client_key", self.config.client_key.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
        ];
        form.extend_from_slice(fields);
        let raw = self
            .send(which, self.http.post(url.clone()).form(&form))
            .await
            .map_err(|e| match e {
                Transport::Network(e) => {
                    tracing::warn!(endpoint = which, error = %e, "TikTok OAuth endpoint unreachable");
                    OAuthError::Unavailable(Box::new(e))
                }
                Transport::TooLarge(cap) => OAuthError::InvalidResponse(Box::new(WireError::TooLarge(cap))),
            })?;
        let body = TokenBody::parse(&raw.body);
        Ok((raw, body))
    }

    async fn grant(
        &self,
        which: &'static str,
        fields: &[(&str, &str)],
    ) -> Result<TokenGrant, OAuthError> {
        let (raw, body) = self.post_form(which, fields).await?;
        match body {
            Some(body) if body.access_token.is_some() => body.into_grant().map_err(|e| {
                tracing::warn!(endpoint = which, error = %e, "TikTok token answer incomplete");
                OAuthError::InvalidResponse(Box::new(e))
            }),
            body => Err(oauth_failure(which, &raw, body.as_ref())),
        }
    }
}

/// Sorts a token or revoke failure: the `error` field first, then the HTTP status.
fn oauth_failure(which: &'static str, raw: &RawResponse, body: Option<&TokenBody>) -> OAuthError {
    let status = raw.status.as_u16();
    let Some((body, error)) = body.and_then(|b| Some((b, b.error_code()?))) else {
        tracing::warn!(
            endpoint = which,
            http_status = status,
            "TikTok OAuth answer unreadable"
        );
        return if status == 429 {
            OAuthError::RateLimited {
                retry_after: raw.retry_after,
            }
        } else if raw.status.is_server_error() {
            OAuthError::Unavailable(Box::new(WireError::Status(status)))
        } else {
            OAuthError::InvalidResponse(Box::new(WireError::Status(status)))
        };
    };
    let log_id = body.log_id.clone().unwrap_or_default();
    tracing::warn!(
        endpoint = which,
        http_status = status,
        error = %error,
        log_id = %log_id,
        description = body.error_description.as_deref().unwrap_or_default(),
        "TikTok refused an OAuth request"
    );
    match error.as_str() {
        "invalid_grant" => OAuthError::InvalidGrant,
        "rate_limit_exceeded" => OAuthError::RateLimited {
            retry_after: raw.retry_after,
        },
        _ if status == 429 => OAuthError::RateLimited {
            retry_after: raw.retry_after,
        },
        "server_error" | "temporarily_unavailable" => {
            OAuthError::Unavailable(Box::new(WireError::Api {
                code: error,
                log_id,
            }))
        }
        _ if raw.status.is_server_error() => OAuthError::Unavailable(Box::new(WireError::Api {
            code: error,
            log_id,
        })),
        _ => OAuthError::Rejected { error },
    }
}

#[async_trait]
impl TikTokOAuth for TikTokHttpClient {
    fn authorization_url(&self, request: &AuthorizationRequest) -> String {
        let mut url = self.urls.authorize.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("client_key", &self.config.client_key)
                .append_pair("scope", &request.scopes.to_comma_separated())
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", request.redirect_uri.as_str())
                .append_pair("state", request.state.as_str());
            if let Some(verifier) = &request.code_verifier {
                query
                    .append_pair("code_challenge", &verifier.challenge_hex_s256())
                    .append_pair("code_challenge_method", "S256");
            }
        }
        url.into()
    }

    async fn exchange_code(
        &self,
        code: &AuthorizationCode,
        redirect_uri: &RedirectUri,
        code_verifier: Option<CodeVerifier>,
    ) -> Result<TokenGrant, OAuthError> {
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            // Already URL-decoded once; the form encoder encodes it once more, as TikTok expects.
            ("code", code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
        ];
        if let Some(verifier) = &code_verifier {
            fields.push(("code_verifier", verifier.expose()));
        }
        self.grant("token", &fields).await
    }

    async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenGrant, OAuthError> {
        let fields = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        self.grant("token", &fields).await
    }

    async fn revoke(&self, access_token: &AccessToken) -> Result<(), OAuthError> {
        let (raw, body) = self
            .post_form("revoke", &[("token", access_token.expose())])
            .await?;
        let blank = raw.body.iter().all(u8::is_ascii_whitespace);
        let refused = body.as_ref().is_some_and(|b| b.error.is_some());
        if raw.status.is_success() && !refused && (blank || body.is_some()) {
            return Ok(());
        }
        Err(oauth_failure("revoke", &raw, body.as_ref()))
    }
}

#[cfg(test)]
mod lenient_scope_tests {
    use super::lenient_scopes;

    #[test]
    fn a_scope_of_an_unexpected_shape_is_skipped_not_fatal() {
        let scopes = lenient_scopes("user.info.basic,Some New/Scope,video.list");
        assert_eq!(scopes.to_comma_separated(), "user.info.basic,video.list");
        assert!(lenient_scopes("").is_empty());
    }
}

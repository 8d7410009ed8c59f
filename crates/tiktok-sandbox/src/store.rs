//! The sandbox's memory: pending codes, grants, tokens, counters and rate-limit windows.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::faults::Endpoint;
use crate::ids;

/// What the authorize page remembers about a code until it is exchanged.
pub(crate) struct PendingCode {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub user: usize,
    pub open_id: String,
    pub challenge: Option<String>,
    pub expires_at: Instant,
}

/// Why a code exchange failed.
pub(crate) enum CodeError {
    /// Unknown, used or expired: `invalid_grant`.
    Invalid,
    /// `redirect_uri` differs from the authorize one: `invalid_request`.
    RedirectMismatch,
    /// PKCE verifier missing or wrong: `invalid_request`.
    Verifier,
}

struct Grant {
    open_id: String,
    user: usize,
    scopes: Vec<String>,
    refresh_deadline: Instant,
    revoked: bool,
}

struct TokenEntry {
    grant: usize,
    expires_at: Instant,
}

/// A freshly issued token pair, as the token endpoint reports it.
pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub open_id: String,
    pub scope: String,
    pub expires_in: u64,
    pub refresh_expires_in: u64,
}

/// The grant behind a valid access token.
pub(crate) struct Authorized {
    pub user: usize,
    pub scopes: Vec<String>,
}

#[derive(Default)]
pub(crate) struct Store {
    codes: HashMap<String, PendingCode>,
    grants: Vec<Grant>,
    access: HashMap<String, TokenEntry>,
    /// Only live refresh tokens: a rotated one is removed at once.
    refresh: HashMap<String, usize>,
    issued_access: Vec<String>,
    issued_refresh: Vec<String>,
    requests: [u64; Endpoint::ALL.len()],
    refreshes: u64,
    windows: [VecDeque<Instant>; Endpoint::ALL.len()],
}

impl Store {
    pub(crate) fn new_code(&mut self, pending: PendingCode, now: Instant) -> String {
        self.codes.retain(|_, c| c.expires_at > now);
        let code = ids::authorization_code();
        self.codes.insert(code.clone(), pending);
        code
    }

    /// Spends `code` (whatever the outcome) and checks the redirect URI and PKCE verifier.
    pub(crate) fn redeem_code(
        &mut self,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
        now: Instant,
    ) -> Result<PendingCode, CodeError> {
        let pending = self.codes.remove(code).ok_or(CodeError::Invalid)?;
        if pending.expires_at <= now {
            return Err(CodeError::Invalid);
        }
        if pending.redirect_uri != redirect_uri {
            return Err(CodeError::RedirectMismatch);
        }
        if let Some(challenge) = &pending.challenge {
            let ok =
                verifier.is_some_and(|v| hex::encode(Sha256::digest(v.as_bytes())) == *challenge);
            if !ok {
                return Err(CodeError::Verifier);
            }
        }
        Ok(pending)
    }

    pub(crate) fn open_grant(
        &mut self,
        pending: PendingCode,
        ttl: Duration,
        refresh_ttl: Duration,
        now: Instant,
    ) -> Issued {
        self.grants.push(Grant {
            open_id: pending.open_id,
            user: pending.user,
            scopes: pending.scopes,
            refresh_deadline: now + refresh_ttl,
            revoked: false,
        });
        self.issue(self.grants.len() - 1, ttl, now)
    }

    /// Rotates a live refresh token: the old one dies, a new pair is issued.
    pub(crate) fn rotate(
        &mut self,
        refresh_token: &str,
        ttl: Duration,
        now: Instant,
    ) -> Option<Issued> {
        let grant = *self.refresh.get(refresh_token)?;
        let g = &self.grants[grant];
        if g.revoked || g.refresh_deadline <= now {
            return None;
        }
        self.refresh.remove(refresh_token);
        self.refreshes += 1;
        Some(self.issue(grant, ttl, now))
    }

    fn issue(&mut self, grant: usize, ttl: Duration, now: Instant) -> Issued {
        let access_token = ids::access_token();
        let refresh_token = ids::refresh_token();
        let expires_at = now + ttl;
        self.access
            .insert(access_token.clone(), TokenEntry { grant, expires_at });
        self.refresh.insert(refresh_token.clone(), grant);
        self.issued_access.push(access_token.clone());
        self.issued_refresh.push(refresh_token.clone());
        let g = &self.grants[grant];
        Issued {
            access_token,
            refresh_token,
            open_id: g.open_id.clone(),
            scope: g.scopes.join(","),
            expires_in: ttl.as_secs(),
            refresh_expires_in: g.refresh_deadline.saturating_duration_since(now).as_secs(),
        }
    }

    /// The grant behind a live access token.
    pub(crate) fn authorize(&self, access_token: &str, now: Instant) -> Option<Authorized> {
        let entry = self.access.get(access_token)?;
        let g = &self.grants[entry.grant];
        (!g.revoked && entry.expires_at > now).then(|| Authorized {
            user: g.user,
            scopes: g.scopes.clone(),
        })
    }

    /// Revokes the grant an access token (live or not) belongs to; false for an unknown token.
    pub(crate) fn revoke_by_access(&mut self, access_token: &str) -> bool {
        let Some(entry) = self.access.get(access_token) else {
            return false;
        };
        self.grants[entry.grant].revoked = true;
        true
    }

    fn grants_of<'a>(&'a mut self, open_id: &'a str) -> impl Iterator<Item = &'a mut Grant> + 'a {
        self.grants
            .iter_mut()
            .filter(move |g| g.open_id == open_id && !g.revoked)
    }

    pub(crate) fn revoke_open_id(&mut self, open_id: &str) -> usize {
        self.grants_of(open_id).map(|g| g.revoked = true).count()
    }

    pub(crate) fn withdraw_scope(&mut self, open_id: &str, scope: &str) -> usize {
        self.grants_of(open_id)
            .map(|g| g.scopes.retain(|s| s != scope))
            .count()
    }

    pub(crate) fn expire_access_tokens(&mut self, now: Instant) {
        for entry in self.access.values_mut() {
            entry.expires_at = entry.expires_at.min(now);
        }
    }

    pub(crate) fn count_request(&mut self, endpoint: Endpoint) {
        self.requests[endpoint.index()] += 1;
    }

    /// Records a request in the endpoint's sliding minute; false when the limit is already reached.
    pub(crate) fn admit(&mut self, endpoint: Endpoint, limit: u32, now: Instant) -> bool {
        let window = &mut self.windows[endpoint.index()];
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            return false;
        }
        window.push_back(now);
        true
    }

    pub(crate) fn requests(&self, endpoint: Endpoint) -> u64 {
        self.requests[endpoint.index()]
    }

    pub(crate) fn refreshes(&self) -> u64 {
        self.refreshes
    }

    pub(crate) fn issued_access(&self) -> Vec<String> {
        self.issued_access.clone()
    }

    pub(crate) fn issued_refresh(&self) -> Vec<String> {
        self.issued_refresh.clone()
    }
}

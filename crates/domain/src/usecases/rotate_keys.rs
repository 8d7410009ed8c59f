//! Re-sealing every stored token with the active key, so that old keys can be removed: accounts' access and
//! refresh tokens, and the PKCE verifiers of pending OAuth states (a creator half-way through TikTok's
//! authorize page completes the callback after the old key is gone), then the TikTok Shop sellers' tokens and
//! their shops' ciphers (`shop`).

mod shop;

use std::sync::Arc;

use crate::account::{SealedToken, TokenKind};
use crate::ports::{SealedGrantRow, SealedGrantStore, TokenCipher, TokenContext};

use super::ServiceError;

/// What a rotation run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Accounts with a grant that were looked at.
    pub scanned: u64,
    /// Accounts re-sealed with the active key.
    pub resealed: u64,
    /// Accounts already sealed with the active key.
    pub current: u64,
    /// Accounts whose tokens changed meanwhile (a refresh re-sealed them already).
    pub changed_meanwhile: u64,
    /// Accounts whose tokens do not open with any configured key (left as they are; they will ask for a
    /// reauthorization on next use).
    pub unreadable: u64,
    /// Pending OAuth states holding a sealed PKCE verifier that were looked at.
    pub pending_states: u64,
    /// Pending states whose verifier was re-sealed with the active key.
    pub pending_states_resealed: u64,
    /// Pending states whose verifier opens with no configured key (left as they are; their callback cannot
    /// complete, and they expire).
    pub pending_states_unreadable: u64,
    /// TikTok Shop seller connections with a grant that were looked at.
    pub shop_sellers: u64,
    /// Shop seller connections whose tokens were re-sealed with the active key.
    pub shop_sellers_resealed: u64,
    /// Shop seller connections already sealed with the active key.
    pub shop_sellers_current: u64,
    /// Shop seller connections whose tokens changed meanwhile (a Shop refresh re-sealed them already).
    pub shop_sellers_changed_meanwhile: u64,
    /// Shop seller connections whose tokens open with no configured key (left as they are; the seller has to
    /// connect again).
    pub shop_sellers_unreadable: u64,
    /// Shops holding a sealed cipher that were looked at.
    pub shop_ciphers: u64,
    /// Shops whose cipher was re-sealed with the active key.
    pub shop_ciphers_resealed: u64,
    /// Shops whose cipher opens with no configured key (left as they are; the seller has to connect again).
    pub shop_ciphers_unreadable: u64,
}

/// Re-seals stored tokens with the active key, page by page. Safe to interrupt and to re-run: each account is
/// swapped on its own with a compare-and-swap, and a re-run skips what is already current.
pub struct KeyRotation {
    store: Arc<dyn SealedGrantStore>,
    cipher: Arc<dyn TokenCipher>,
}

impl KeyRotation {
    /// A rotation over this store with this cipher (whose first key is the active one).
    pub fn new(store: Arc<dyn SealedGrantStore>, cipher: Arc<dyn TokenCipher>) -> Self {
        Self { store, cipher }
    }

    /// Runs over every account, then every pending OAuth state, then every Shop seller connection and every
    /// shop's cipher, `batch` at a time.
    pub async fn run(&self, batch: u32) -> Result<RotationReport, ServiceError> {
        let mut report = RotationReport::default();
        self.rotate_grants(batch, &mut report).await?;
        self.rotate_verifiers(batch, &mut report).await?;
        self.rotate_shop_grants(batch, &mut report).await?;
        self.rotate_shop_ciphers(batch, &mut report).await?;
        Ok(report)
    }

    async fn rotate_grants(
        &self,
        batch: u32,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        let mut after = 0;
        loop {
            let page = self.store.sealed_grants_after(after, batch.max(1)).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for row in &page {
                report.scanned += 1;
                self.rotate_one(row, report).await?;
            }
            tracing::info!(
                scanned = report.scanned,
                resealed = report.resealed,
                "key rotation progress"
            );
        }
        Ok(())
    }

    async fn rotate_verifiers(
        &self,
        batch: u32,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        let mut after = String::new();
        loop {
            let page = self
                .store
                .sealed_verifiers_after(&after, batch.max(1))
                .await?;
            let Some(last) = page.last() else { break };
            after.clone_from(&last.state_fingerprint);
            for row in &page {
                report.pending_states += 1;
                if !self.cipher.is_sealed_with_old_key(&row.code_verifier) {
                    continue;
                }
                let context =
                    TokenContext::new(row.state_fingerprint.clone(), TokenKind::CodeVerifier);
                let resealed = self
                    .cipher
                    .open(&row.code_verifier, &context)
                    .ok()
                    .and_then(|plain| self.cipher.seal(&plain, &context).ok());
                let Some(resealed) = resealed else {
                    tracing::warn!("a pending OAuth state's PKCE verifier does not open with any configured key; left as it is");
                    report.pending_states_unreadable += 1;
                    continue;
                };
                // `false`: the state was spent or purged meanwhile; nothing is left to re-seal.
                if self.store.reseal_verifier(row, &resealed).await? {
                    report.pending_states_resealed += 1;
                }
            }
        }
        tracing::info!(
            pending_states = report.pending_states,
            resealed = report.pending_states_resealed,
            "key rotation of pending OAuth states done"
        );
        Ok(())
    }

    async fn rotate_one(
        &self,
        row: &SealedGrantRow,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        let old = |t: &SealedToken| self.cipher.is_sealed_with_old_key(t);
        if !old(&row.access_token) && !old(&row.refresh_token) {
            report.current += 1;
            return Ok(());
        }
        let (Some(access), Some(refresh)) = (
            self.reseal(row, &row.access_token, TokenKind::Access),
            self.reseal(row, &row.refresh_token, TokenKind::Refresh),
        ) else {
            tracing::warn!(user_id = %row.user_id, "stored tokens do not open with any configured key; left as they are");
            report.unreadable += 1;
            return Ok(());
        };
        if self.store.reseal(row, &access, &refresh).await? {
            report.resealed += 1;
        } else {
            report.changed_meanwhile += 1;
        }
        Ok(())
    }

    fn reseal(
        &self,
        row: &SealedGrantRow,
        sealed: &SealedToken,
        kind: TokenKind,
    ) -> Option<SealedToken> {
        let context = TokenContext::new(row.user_id.as_str(), kind);
        let plain = self.cipher.open(sealed, &context).ok()?;
        self.cipher.seal(&plain, &context).ok()
    }
}

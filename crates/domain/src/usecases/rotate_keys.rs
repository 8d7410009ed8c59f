//! Re-sealing every stored token with the active key, so that old keys can be removed.

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

    /// Runs over every account, `batch` at a time.
    pub async fn run(&self, batch: u32) -> Result<RotationReport, ServiceError> {
        let mut report = RotationReport::default();
        let mut after = 0;
        loop {
            let page = self.store.sealed_grants_after(after, batch.max(1)).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for row in &page {
                report.scanned += 1;
                self.rotate_one(row, &mut report).await?;
            }
            tracing::info!(
                scanned = report.scanned,
                resealed = report.resealed,
                "key rotation progress"
            );
        }
        Ok(report)
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

//! Key rotation of the TikTok Shop secrets: each seller connection's access and refresh tokens (bound to the
//! user's row) and each shop's cipher (bound to `<user_id>/<shop_id>`), as `crate::shop::sealing` seals them.

use crate::account::{SealedToken, TokenKind};
use crate::ports::{SealedShopCipherRow, SealedShopGrantRow, TokenContext};
use crate::shop::shop_cipher_owner;

use super::{KeyRotation, RotationReport, ServiceError};

impl KeyRotation {
    pub(super) async fn rotate_shop_grants(
        &self,
        batch: u32,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        let mut after = String::new();
        loop {
            let page = self
                .store
                .sealed_shop_grants_after(&after, batch.max(1))
                .await?;
            let Some(last) = page.last() else { break };
            after = last.user_id.as_str().to_owned();
            for row in &page {
                report.shop_sellers += 1;
                self.rotate_shop_grant(row, report).await?;
            }
        }
        tracing::info!(
            shop_sellers = report.shop_sellers,
            resealed = report.shop_sellers_resealed,
            "key rotation of Shop seller connections done"
        );
        Ok(())
    }

    async fn rotate_shop_grant(
        &self,
        row: &SealedShopGrantRow,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        let old = |t: &SealedToken| self.cipher.is_sealed_with_old_key(t);
        if !old(&row.access_token) && !old(&row.refresh_token) {
            report.shop_sellers_current += 1;
            return Ok(());
        }
        let owner = row.user_id.as_str();
        let (Some(access), Some(refresh)) = (
            self.reseal_under(owner, &row.access_token, TokenKind::ShopAccess),
            self.reseal_under(owner, &row.refresh_token, TokenKind::ShopRefresh),
        ) else {
            tracing::warn!(user_id = %row.user_id, "stored Shop tokens do not open with any configured key; left as they are");
            report.shop_sellers_unreadable += 1;
            return Ok(());
        };
        if self.store.reseal_shop_grant(row, &access, &refresh).await? {
            report.shop_sellers_resealed += 1;
        } else {
            report.shop_sellers_changed_meanwhile += 1;
        }
        Ok(())
    }

    pub(super) async fn rotate_shop_ciphers(
        &self,
        batch: u32,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        let (mut after_user, mut after_shop) = (String::new(), String::new());
        loop {
            let page = self
                .store
                .sealed_shop_ciphers_after(&after_user, &after_shop, batch.max(1))
                .await?;
            let Some(last) = page.last() else { break };
            after_user = last.user_id.as_str().to_owned();
            after_shop.clone_from(&last.shop_id);
            for row in &page {
                report.shop_ciphers += 1;
                self.rotate_shop_cipher(row, report).await?;
            }
        }
        tracing::info!(
            shop_ciphers = report.shop_ciphers,
            resealed = report.shop_ciphers_resealed,
            "key rotation of shop ciphers done"
        );
        Ok(())
    }

    async fn rotate_shop_cipher(
        &self,
        row: &SealedShopCipherRow,
        report: &mut RotationReport,
    ) -> Result<(), ServiceError> {
        if !self.cipher.is_sealed_with_old_key(&row.cipher) {
            return Ok(());
        }
        let owner = shop_cipher_owner(&row.user_id, &row.shop_id);
        let Some(resealed) = self.reseal_under(&owner, &row.cipher, TokenKind::ShopCipher) else {
            tracing::warn!(user_id = %row.user_id, shop_id = %row.shop_id, "a shop's cipher does not open with any configured key; left as it is");
            report.shop_ciphers_unreadable += 1;
            return Ok(());
        };
        // `false`: the seller reconnected meanwhile and the shop holds a cipher sealed with the active key.
        if self.store.reseal_shop_cipher(row, &resealed).await? {
            report.shop_ciphers_resealed += 1;
        }
        Ok(())
    }

    /// Opens `sealed` under `owner` and `kind`, and seals it again with the active key.
    fn reseal_under(
        &self,
        owner: &str,
        sealed: &SealedToken,
        kind: TokenKind,
    ) -> Option<SealedToken> {
        let context = TokenContext::new(owner, kind);
        let plain = self.cipher.open(sealed, &context).ok()?;
        self.cipher.seal(&plain, &context).ok()
    }
}

//! Steering the sandbox's TikTok Shop from tests and tools.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::catalog;
use super::state::now;
use super::{ShopApi, ShopFault, ShopSandboxConfig};
use crate::server::SandboxHandle;

impl SandboxHandle {
    /// The Shop app, seller and shops the sandbox serves.
    pub fn shop_config(&self) -> &ShopSandboxConfig {
        &self.shared.shop.config
    }

    /// Switches a Shop fault on; the first matching fault wins.
    pub fn shop_inject_fault(&self, fault: ShopFault) {
        tracing::warn!(?fault.api, fault.code, "TikTok sandbox: Shop fault switched on");
        self.shared.shop.lock().faults.push(fault);
    }

    /// Requests received by a Shop endpoint so far, faulted ones included.
    pub fn shop_request_count(&self, api: ShopApi) -> u64 {
        self.shared
            .shop
            .lock()
            .requests
            .get(&api)
            .copied()
            .unwrap_or(0)
    }

    /// Successful Shop refreshes (rotations) so far.
    pub fn shop_refresh_count(&self) -> u64 {
        self.shared.shop.lock().refreshes
    }

    /// Expires every Shop access token issued so far (answers `105002` from now on); refresh tokens live.
    pub fn shop_expire_access_tokens(&self) {
        let past = now() - 1;
        self.shared
            .shop
            .lock()
            .access
            .values_mut()
            .for_each(|exp| *exp = past);
    }

    /// The seller deauthorizes the app: every Shop token dies (`105001`, `36004001` from now on).
    pub fn shop_deauthorize(&self) {
        let mut inner = self.shared.shop.lock();
        inner.access.clear();
        inner.refresh.clear();
    }

    /// Every Shop token ever issued, live or not, for leak tests.
    pub fn shop_known_tokens(&self) -> Vec<String> {
        self.shared.shop.lock().issued.clone()
    }

    /// A fresh auth code, as the authorize page would hand out.
    pub fn shop_issue_code(&self) -> String {
        let code = format!("sbx_shop_code_{}", crate::ids::log_id());
        let ttl = i64::try_from(self.shop_config().code_ttl.as_secs()).unwrap_or(i64::MAX);
        self.shared
            .shop
            .lock()
            .codes
            .insert(code.clone(), now() + ttl);
        code
    }

    /// The id of order `index` of the shop (0 is the newest).
    pub fn shop_order_id(&self, shop_id: &str, index: u32) -> Option<String> {
        let shop = self.shop_config().shops.iter().find(|s| s.id == shop_id)?;
        (index < shop.order_count).then(|| catalog::order_id(shop, index))
    }

    /// Gives an order a new status (e.g. `CANCELLED`), updated now. Returns false for an unknown order.
    pub fn shop_set_order_status(&self, shop_id: &str, order_id: &str, status: &str) -> bool {
        let Some(shop) = self.shop_config().shops.iter().find(|s| s.id == shop_id) else {
            return false;
        };
        if !(0..shop.order_count).any(|i| catalog::order_id(shop, i) == order_id) {
            return false;
        }
        self.shared
            .shop
            .lock()
            .order_changes
            .insert(order_id.to_owned(), (status.to_owned(), now()));
        true
    }

    /// The `Authorization` header TikTok Shop would send with this webhook body:
    /// hex HMAC-SHA256 of `app_key + body` keyed with the app secret.
    #[expect(clippy::expect_used, reason = "HMAC takes keys of any length")]
    pub fn shop_sign_webhook(&self, body: &[u8]) -> String {
        let config = self.shop_config();
        let mut mac =
            Hmac::<Sha256>::new_from_slice(config.app_secret.as_bytes()).expect("any key length");
        mac.update(config.app_key.as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }
}

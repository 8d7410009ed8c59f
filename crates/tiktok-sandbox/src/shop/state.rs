//! The sandbox Shop's state: codes, tokens, counters, faults and order changes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use super::ShopSandboxConfig;

/// A TikTok Shop endpoint of the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShopApi {
    /// `GET /open/authorize`.
    Authorize,
    /// `GET /api/v2/token/get`.
    TokenGet,
    /// `GET /api/v2/token/refresh`.
    TokenRefresh,
    /// `GET /authorization/202309/shops`.
    Shops,
    /// `POST /order/202309/orders/search`.
    Orders,
    /// `POST /product/202502/products/search`.
    Products,
}

/// A fault: the next `times` requests to `api` get this envelope error with this HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopFault {
    /// Which endpoint.
    pub api: ShopApi,
    /// The HTTP status answered.
    pub http_status: u16,
    /// The envelope `code` answered.
    pub code: i64,
    /// The envelope `message`.
    pub message: String,
    /// How many requests it applies to.
    pub times: u32,
}

/// Seconds since the epoch, now.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

#[derive(Default)]
pub(crate) struct Inner {
    /// Live auth codes and their expiry.
    pub codes: HashMap<String, i64>,
    /// Live access tokens and their absolute expiry.
    pub access: HashMap<String, i64>,
    /// Live refresh tokens and their absolute expiry.
    pub refresh: HashMap<String, i64>,
    /// Every token ever issued, for leak tests.
    pub issued: Vec<String>,
    /// Successful refreshes.
    pub refreshes: u64,
    /// Requests per endpoint.
    pub requests: HashMap<ShopApi, u64>,
    /// Active faults.
    pub faults: Vec<ShopFault>,
    /// Order status changes: order id → (status, update_time).
    pub order_changes: HashMap<String, (String, i64)>,
}

/// What the Shop routes share.
pub(crate) struct ShopState {
    pub config: ShopSandboxConfig,
    /// The sandbox's start, in epoch seconds: orders and products are dated back from it.
    pub epoch: i64,
    inner: Mutex<Inner>,
}

impl ShopState {
    pub(crate) fn new(config: ShopSandboxConfig) -> Self {
        Self {
            config,
            epoch: now(),
            inner: Mutex::new(Inner::default()),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts the request and takes a matching fault, if any.
    pub(crate) fn gate(&self, api: ShopApi) -> Option<ShopFault> {
        let mut inner = self.lock();
        *inner.requests.entry(api).or_default() += 1;
        let index = inner.faults.iter().position(|f| f.api == api)?;
        let fault = inner.faults[index].clone();
        if fault.times <= 1 {
            inner.faults.remove(index);
        } else {
            inner.faults[index].times -= 1;
        }
        Some(fault)
    }
}

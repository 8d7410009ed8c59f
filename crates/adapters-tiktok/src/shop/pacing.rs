//! Pacing under TikTok Shop's 50 requests/s per API per shop: each (API, shop) pair gets evenly spaced slots.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Evenly spaced slots per (API, shop) in this process. The shop is keyed by a hash of its cipher, so the
/// cipher itself is not kept.
pub(crate) struct Pacer {
    interval: Duration,
    next: Mutex<HashMap<(&'static str, u64), Instant>>,
}

impl Pacer {
    /// Slots `1 / per_second` apart.
    pub(crate) fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the next free slot of `api` for `shop`.
    pub(crate) async fn wait(&self, api: &'static str, shop: &str) {
        let mut hasher = DefaultHasher::new();
        shop.hash(&mut hasher);
        let key = (api, hasher.finish());
        let now = Instant::now();
        let slot = {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let entry = next.entry(key).or_insert(now);
            let slot = (*entry).max(now);
            *entry = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_per_api_and_shop() {
        let pacer = Pacer::new(50);
        let start = Instant::now();
        for _ in 0..100 {
            pacer.wait("orders", "shop-a").await;
        }
        // 100 requests at 50/s: the last one starts 99 slots (1.98 s) after the first.
        assert_eq!(start.elapsed(), Duration::from_millis(1980));
        let other = Instant::now();
        pacer.wait("orders", "shop-b").await;
        pacer.wait("products", "shop-a").await;
        assert_eq!(other.elapsed(), Duration::ZERO);
    }
}

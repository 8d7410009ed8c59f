//! TikTok Shop on the same server: seller authorization, token get/refresh with absolute expiries and
//! rotation, authorized shops, orders and products search (signed, paged, capped), faults, and webhook
//! signatures (TikTok reference §7).

mod catalog;
mod config;
mod handle;
mod routes;
mod state;

pub use config::{FakeShop, ShopSandboxConfig};
pub use state::{ShopApi, ShopFault};

pub(crate) use routes::configure;
pub(crate) use state::ShopState;

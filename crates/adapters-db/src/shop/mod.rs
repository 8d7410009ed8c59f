//! Storage of the TikTok Shop integration (migrations `2026-12-04-000090_tiktok_shop` and
//! `2026-12-04-000091_shop_indexes`): the seller connection with its shops and refresh lease
//! ([`DieselShopConnections`]), the synced orders, products and kept figures ([`DieselShopStore`]), and the
//! webhook's seen notifications ([`DieselShopNotifications`]).
//!
//! Ids are TikTok's digit strings (beyond 2^53) and money canonical decimal strings, both TEXT end to end.
//! Tokens and shop ciphers arrive sealed by the domain and are stored as they are. Every write of a sync is
//! fenced by the connection generation (`fence`), so nothing of an ended connection lands.

mod connect;
mod connections;
mod erase;
mod fence;
mod figures;
mod lease;
mod models;
mod newest;
mod notifications;
mod orders;
mod products;
pub(crate) mod rekey;
mod shops;
mod store;

pub use connections::DieselShopConnections;
pub use notifications::DieselShopNotifications;
pub use store::DieselShopStore;

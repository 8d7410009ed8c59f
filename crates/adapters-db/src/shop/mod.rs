//! Storage of the TikTok Shop integration (migration `2026-12-04-000090_tiktok_shop`). So far: the
//! webhook's seen notifications ([`DieselShopNotifications`]); the connection and data ports follow.

mod notifications;

pub use notifications::DieselShopNotifications;

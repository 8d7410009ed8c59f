#![doc = include_str!("../README.md")]

mod account_erase;
mod account_repository;
mod account_upsert;
mod analytics_models;
mod connection;
mod connection_fence;
mod content_history;
mod content_list;
mod content_models;
mod content_repository;
mod content_videos;
mod database;
mod directory;
mod errors;
mod event_append;
mod event_outbox;
mod history_models;
mod models;
mod reauth_warning;
mod refresh_lease;
mod request_budget;
mod schedule;
mod schema;
mod sealed_grants;
mod shop;
mod state_store;
mod sync_lease;

pub use account_repository::DieselAccountRepository;
pub use content_repository::DieselContentRepository;
pub use database::{Backend, Database, PoolOptions, PoolStats};
pub use errors::DbError;
pub use event_append::append_event;
pub use event_outbox::{DieselEventOutbox, EndpointSubscription};
pub use request_budget::DieselRequestBudget;
pub use shop::{DieselShopConnections, DieselShopNotifications, DieselShopStore};
pub use state_store::DieselOAuthStateStore;

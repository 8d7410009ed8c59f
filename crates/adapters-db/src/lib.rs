#![doc = include_str!("../README.md")]

mod account_repository;
mod account_upsert;
mod connection;
mod database;
mod errors;
mod models;
mod refresh_lease;
mod schema;
mod sealed_grants;
mod state_store;

pub use account_repository::DieselAccountRepository;
pub use database::{Backend, Database, PoolOptions};
pub use errors::DbError;
pub use state_store::DieselOAuthStateStore;

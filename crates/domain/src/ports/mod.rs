//! Ports: what the use cases need from the world, as async traits with one error enum each.
//!
//! Every trait is `Send + Sync` and object safe, so that the composition root can hold `Arc<dyn Port>`.
//! With the `mocks` feature (and in this crate's tests) mockall generates `Mock<Trait>` for each.

mod cipher;
mod clock;
mod content;
mod directory;
mod repository;
mod request_budget;
mod schedule;
mod sealed_grants;
mod state_store;
mod tiktok_data;
mod tiktok_oauth;

pub use cipher::*;
pub use clock::*;
pub use content::*;
pub use directory::*;
pub use repository::*;
pub use request_budget::*;
pub use schedule::*;
pub use sealed_grants::*;
pub use state_store::*;
pub use tiktok_data::*;
pub use tiktok_oauth::*;

/// An opaque cause, kept for logs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

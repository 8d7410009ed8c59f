//! TikTok Shop: a seller's connection, their shops, orders and products (beside the account integration).
//!
//! Shop is a different platform from Login Kit (other hosts, credentials, envelope, signing, absolute token
//! expiries); it shares only the generic ports (cipher, clock, state store).

mod decimal;
mod fetch;
mod figures;
mod model;
mod ports;
mod repository;
mod sync;
#[cfg(test)]
mod tests;

pub use decimal::*;
pub use fetch::*;
pub use figures::*;
pub use model::*;
pub use ports::*;
pub use repository::*;
pub use sync::*;

//! TikTok Shop: a seller's connection, their shops, orders and products (beside the account integration).
//!
//! Shop is a different platform from Login Kit (other hosts, credentials, envelope, signing, absolute token
//! expiries); it shares only the generic ports (cipher, clock, state store, the refresh lease's shape).
//! Use cases are narrow: each holds only the ports it needs ([`ShopConnect`], [`ShopTokens`],
//! [`ShopSync`], [`ShopDisconnect`], [`ShopWebhook`], [`ShopStatusRead`], [`ShopReads`]).

mod connect;
mod connection;
mod decimal;
mod disconnect;
mod error;
mod fetch;
mod figures;
mod flight;
mod model;
mod ports;
mod reads;
mod repository;
mod sealing;
mod status;
mod sync;
#[cfg(test)]
mod tests;
mod tokens;
mod webhook;

pub use connect::*;
pub use connection::*;
pub use decimal::*;
pub use disconnect::*;
pub use error::*;
pub use fetch::*;
pub use figures::*;
pub use model::*;
pub use ports::*;
pub use reads::*;
pub use repository::*;
pub use sealing::{
    open_access, open_cipher, open_refresh, seal_grant, seal_shops, shop_cipher_owner,
};
pub use status::*;
pub use sync::*;
pub use tokens::*;
pub use webhook::*;

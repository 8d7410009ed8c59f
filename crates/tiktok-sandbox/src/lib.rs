#![doc = include_str!("../README.md")]

mod changes;
mod config;
mod faults;
mod ids;
mod routes;
mod sandbox_state;
mod server;
mod shop;
mod store;
mod videos;

pub use changes::{ProfileCounts, VideoCounts};
pub use config::{FakeUser, SandboxConfig};
pub use faults::{Endpoint, Fault, FaultKind};
pub use server::{Sandbox, SandboxHandle};
pub use shop::{FakeShop, ShopApi, ShopFault, ShopSandboxConfig};

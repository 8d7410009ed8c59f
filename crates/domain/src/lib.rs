#![doc = include_str!("../README.md")]

pub mod account;
pub mod analytics;
pub mod content;
pub mod events;
#[cfg(feature = "failpoints")]
pub mod failpoints;
pub mod pacing;
pub mod ports;
pub mod shop;
pub mod usecases;
pub mod values;

pub use account::*;
pub use values::*;

#![doc = include_str!("../README.md")]

pub mod account;
pub mod pacing;
pub mod ports;
pub mod usecases;
pub mod values;

pub use account::*;
pub use values::*;

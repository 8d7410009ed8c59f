#![doc = include_str!("../README.md")]

pub mod account;
pub mod analytics;
pub mod content;
pub mod ports;
pub mod usecases;
pub mod values;

pub use account::*;
pub use values::*;

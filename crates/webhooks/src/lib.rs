#![doc = include_str!("../README.md")]

mod envelope;
mod secret;
mod signature;

pub use envelope::*;
pub use secret::*;
pub use signature::*;

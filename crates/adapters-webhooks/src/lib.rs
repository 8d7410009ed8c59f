#![doc = include_str!("../README.md")]

mod endpoint;
mod http;
mod receivers;

pub use endpoint::*;
pub use http::*;
pub use receivers::*;

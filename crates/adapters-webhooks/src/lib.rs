#![doc = include_str!("../README.md")]

mod endpoint;
mod http;

pub use endpoint::*;
pub use http::*;

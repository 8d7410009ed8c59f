//! The Shop use cases with mocked ports.

mod connect;
mod others;
mod support;
mod sync;
mod tokens;

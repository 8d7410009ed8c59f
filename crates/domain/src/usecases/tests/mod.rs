//! Unit tests of the use cases, against mockall mocks of every port (and a readable fake cipher).
//!
//! Each test reads Arrange / Act / Assert. A port mock with no expectation panics when called, so a test
//! that arranges nothing for a port also asserts that the port is left alone.

/// Asserts that `$result` is `Err` matching `$pattern`, printing what it was otherwise.
macro_rules! assert_err {
    ($result:expr, $pattern:pat) => {
        match $result {
            Err($pattern) => {}
            other => panic!("expected Err({}), got {:?}", stringify!($pattern), other),
        }
    };
}

mod authorize;
mod background;
mod content;
mod disconnect;
mod erasure;
mod reauth_due;
mod rotate_keys;
mod rotate_shop_keys;
mod single_flight;
mod status;
mod support;
mod sync;
mod sync_flight;
mod videos;

#![doc = include_str!("../README.md")]

mod cipher;
mod error;
mod key_ring;

pub use cipher::AesGcmTokenCipher;
pub use error::KeyRingError;
pub use key_ring::KeyRing;

#![doc = include_str!("../README.md")]

mod client;
mod config;
mod display;
mod oauth;
mod pacing;
mod retry;
mod wire;

pub use client::TikTokHttpClient;
pub use config::{ClientBuildError, TikTokClientConfig};
mod shop;

pub use shop::{verify_webhook_signature, ShopClientConfig, ShopHttpClient};

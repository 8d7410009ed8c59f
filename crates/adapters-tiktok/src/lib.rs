#![doc = include_str!("../README.md")]

mod client;
mod config;
mod display;
mod oauth;
mod pacing;
mod retry;
mod webhook;
mod wire;

pub use client::TikTokHttpClient;
pub use config::{ClientBuildError, TikTokClientConfig};
pub use webhook::{TikTokWebhooks, WebhookError, WebhookEvent};
mod shop;

pub use shop::{verify_webhook_signature, ShopClientConfig, ShopHttpClient};

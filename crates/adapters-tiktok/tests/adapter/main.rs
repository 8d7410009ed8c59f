//! The TikTok client against the sandbox (and a few canned servers) over loopback.
#![cfg(test)]

mod canned;
mod common;
mod display;
mod logs;
mod oauth;
mod pacing;
mod shop;

//! The sandbox over real loopback HTTP, spoken to with reqwest as a client of TikTok would.
#![cfg(test)]

mod common;
mod consent;
mod control;
mod display;
mod faults;
mod oauth;
mod runtime;

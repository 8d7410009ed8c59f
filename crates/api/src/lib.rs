#![doc = include_str!("../README.md")]

pub mod auth;
pub mod background;
pub mod cli;
pub mod dev_token;
pub mod error;
pub mod events;
pub mod middleware;
pub mod monitoring;
pub mod rate_limit;
pub mod routes;
pub mod settings;
pub mod shop_background;
pub mod shop_wiring;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod wiring;

pub use settings::Settings;
pub use shutdown::StopHandle;
pub use startup::Application;

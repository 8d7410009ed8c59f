//! End-to-end tests of the HTTP API through a real socket, each on SQLite and on PostgreSQL, with the
//! TikTok sandbox standing in for TikTok.
#![cfg(test)]

/// Runs each named `async fn(Backend)` as two tests: `<name>::sqlite` and `<name>::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(tiktok_integration_tests::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(tiktok_integration_tests::Backend::Postgres).await
            }
        }
    )*};
}

mod access_log;
mod account_in_use;
mod background;
mod cli;
mod connect_flow;
mod content;
mod contract_edges;
mod database_outage;
mod dev_sign_in;
mod edge_errors;
mod edge_hardening;
mod events;
mod graceful_shutdown;
mod header_limit;
mod identity_claims;
mod key_rotation;
mod metrics_endpoint;
mod property;
mod quota;
mod readme_walkthrough;
mod reauth_reasons;
mod refresh_crash;
mod replicas;
mod security_auth;
mod security_secrets;
mod server_logs;
mod shop;
mod startup_keys;
mod tiktok_faults;
mod webhooks;

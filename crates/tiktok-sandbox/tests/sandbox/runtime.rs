//! Where the sandbox can run.

use tiktok_sandbox::{Sandbox, SandboxConfig};

use crate::common::*;

#[actix_web::test]
async fn the_sandbox_also_runs_inside_an_actix_runtime() {
    let sbx = start();
    let body = connect(&sbx, &[]).await;
    assert!(s(&body, "access_token").starts_with("act."));
    sbx.stop().await;
}

#[test]
fn starting_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    assert!(Sandbox::start(SandboxConfig::default()).is_err());
}

#[tokio::test]
async fn two_sandboxes_on_port_zero_get_different_ports() {
    let a = start();
    let b = start();
    assert_ne!(a.base_url(), b.base_url());
    assert!(a.base_url().starts_with("http://127.0.0.1:"));
}

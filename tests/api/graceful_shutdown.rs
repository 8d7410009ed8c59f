//! Stopping as on SIGTERM: the shutdown signal fires, no new connection is accepted, and a request in
//! flight still completes.

use std::time::{Duration, Instant};

use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

on_both_backends!(
    an_in_flight_request_completes_after_a_graceful_stop_and_new_connections_are_refused
);

async fn an_in_flight_request_completes_after_a_graceful_stop_and_new_connections_are_refused(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    app.sandbox.inject_fault(
        Fault::new(FaultKind::Slow { delay_ms: 1_500 })
            .on(Endpoint::UserInfo)
            .times(1),
    );
    let in_flight = {
        let (http, url, token) = (
            app.http.clone(),
            app.url("/api/v1/integrations/tiktok/sync/42"),
            app.user_token("42"),
        );
        tokio::spawn(async move { http.post(url).bearer_auth(token).send().await })
    };
    // Until the slow read has reached TikTok.
    let deadline = Instant::now() + Duration::from_secs(2);
    while app.sandbox.request_count(Endpoint::UserInfo) < 2 {
        assert!(Instant::now() < deadline, "the sync reached TikTok");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let stopping = {
        let stop = app.stop.clone();
        tokio::spawn(async move { stop.stop(true).await })
    };
    tokio::time::timeout(Duration::from_secs(1), app.shutdown.cancelled())
        .await
        .expect("background tasks hear the shutdown signal at once");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fresh = reqwest::Client::new()
        .get(app.url("/health/live"))
        .send()
        .await;
    assert!(fresh.is_err(), "a new connection is refused: {fresh:?}");

    let answer = in_flight
        .await
        .expect("the request task")
        .expect("the in-flight request is answered");
    assert_eq!(answer.status().as_u16(), 200);
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .expect("the server stops once the request is done")
        .expect("the stop task");
}

//! Graceful shutdown: SIGTERM/SIGINT, or a [`StopHandle`], stop the HTTP server and cancel the shutdown
//! signal that background tasks listen to.

use actix_web::dev::ServerHandle;
use tokio_util::sync::CancellationToken;

/// Stops a running [`Application`] from outside, as SIGTERM does.
#[derive(Clone)]
pub struct StopHandle {
    server: ServerHandle,
    shutdown: CancellationToken,
}

impl StopHandle {
    pub(crate) fn new(server: ServerHandle, shutdown: CancellationToken) -> Self {
        Self { server, shutdown }
    }

    /// Cancels the shutdown signal and stops accepting connections. `graceful` waits for in-flight
    /// requests (up to `server.shutdown_timeout_seconds`); otherwise they are dropped. Returns once the
    /// HTTP server has stopped.
    pub async fn stop(&self, graceful: bool) {
        self.shutdown.cancel();
        self.server.stop(graceful).await;
    }
}

/// Waits for SIGTERM or SIGINT, then stops gracefully.
pub(crate) async fn stop_on_signal(handle: StopHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            tracing::error!("cannot listen for SIGTERM");
            return;
        };
        tokio::select! {
            _ = terminate.recv() => tracing::info!("SIGTERM received; shutting down"),
            _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received; shutting down"),
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        tracing::info!("interrupt received; shutting down");
    }
    handle.stop(true).await;
}

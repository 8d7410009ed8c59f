//! More replicas of a running [`TestApp`]: the same database, the same sandbox, the same settings.

use tiktok_api::{Application, Settings, StopHandle};

use crate::TestApp;

/// Another instance of the service, serving beside the first one.
pub struct Replica {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// Stops this replica as SIGTERM would.
    pub stop: StopHandle,
}

impl TestApp {
    /// Starts another instance of the service on the same database and sandbox.
    pub async fn spawn_replica(&self) -> Replica {
        let settings = Settings::load(&self.vars, None).expect("test settings load");
        let app = Application::build(settings)
            .await
            .expect("the replica builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let stop = app.stop_handle();
        tokio::spawn(app.run_until_stopped());
        Replica { address, stop }
    }

    /// `POST sync/{user_id}` as that user, at the instance serving at `address`.
    pub async fn sync_at(&self, address: &str, user_id: &str) -> crate::flow::Answer {
        let response = self
            .http
            .post(format!(
                "{address}/api/v1/integrations/tiktok/sync/{user_id}"
            ))
            .bearer_auth(self.user_token(user_id))
            .send()
            .await
            .expect("the service answers");
        crate::flow::answer(response).await
    }
}

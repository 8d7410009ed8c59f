//! Starting and steering the sandbox.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpServer};

use crate::changes::{ProfileCounts, VideoChanges, VideoCounts};
use crate::config::SandboxConfig;
use crate::faults::{Endpoint, Fault};
use crate::sandbox_state::SandboxState;

/// The TikTok sandbox: a loopback fake of TikTok's Login Kit v2 and Display API.
pub struct Sandbox;

impl Sandbox {
    /// Binds 127.0.0.1 on `config.port` and serves on the current tokio (or actix) runtime.
    ///
    /// Fails when the port cannot be bound or when called outside a tokio runtime. Keep the returned
    /// handle: dropping it stops the sandbox.
    pub fn start(config: SandboxConfig) -> io::Result<SandboxHandle> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(io::Error::other(
                "the TikTok sandbox needs a running tokio runtime",
            ));
        }
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(SandboxState::new(config));
        let data = web::Data::from(Arc::clone(&shared));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .configure(crate::routes::configure)
                .configure(crate::shop::configure)
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?
        .run();
        let server_handle = server.handle();
        tokio::spawn(server);
        tracing::warn!(
            base_url = %format!("http://{addr}"),
            client_key = %shared.config.client_key,
            port = addr.port(),
            "TikTok sandbox server listening: this is the TikTok SANDBOX, not TikTok (fake users, fake tokens, no real data)"
        );
        Ok(SandboxHandle {
            shared,
            addr,
            server: server_handle,
        })
    }
}

/// A running sandbox. Dropping it (or [`SandboxHandle::stop`]) stops the server.
pub struct SandboxHandle {
    pub(crate) shared: Arc<SandboxState>,
    addr: SocketAddr,
    server: ServerHandle,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`: both the authorize base URL and the API base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted `client_key`.
    pub fn client_key(&self) -> &str {
        &self.shared.config.client_key
    }

    /// The accepted `client_secret`.
    pub fn client_secret(&self) -> &str {
        &self.shared.config.client_secret
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// The `open_id` this app sees for the fake user of that username.
    pub fn open_id_of(&self, username: &str) -> Option<String> {
        let index = self
            .shared
            .config
            .users
            .iter()
            .position(|u| u.username == username)?;
        self.shared.open_ids.get(index).cloned()
    }

    /// Switches a fault on; the first matching fault wins.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.inject_fault(fault);
    }

    /// Switches every fault off.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// The faults still active.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.faults().list()
    }

    /// Revokes every grant of the user behind our back: their access and refresh tokens die.
    /// Returns how many grants were revoked.
    pub fn revoke_grant(&self, open_id: &str) -> usize {
        self.shared.revoke_grant(open_id)
    }

    /// Expires every access token issued so far; refresh tokens keep working.
    pub fn expire_access_tokens(&self) {
        self.shared.expire_access_tokens();
    }

    /// Removes a scope from every live grant of the user. Returns how many grants were changed.
    pub fn withdraw_scope(&self, open_id: &str, scope: &str) -> usize {
        self.shared.withdraw_scope(open_id, scope)
    }

    /// The id of the user's video at `index` (0 is the newest), deleted or not.
    pub fn video_id(&self, username: &str, index: u32) -> Option<String> {
        let user = self.shared.config.user(username)?;
        (index < user.video_count).then(|| crate::videos::id_of(user, index))
    }

    /// Deletes one of the user's videos: the list skips it from now on, and `video_count` drops. Returns
    /// false for an unknown user.
    pub fn delete_video(&self, username: &str, video_id: &str) -> bool {
        self.change(username, |c| c.delete(video_id))
    }

    /// Gives one of the user's videos these counts from now on (up or down). Returns false for an unknown
    /// user.
    pub fn set_video_counts(&self, username: &str, video_id: &str, counts: VideoCounts) -> bool {
        self.change(username, |c| c.set_counts(video_id, counts))
    }

    /// Gives the user these profile counts from now on (`None` keeps a count): what user info reports
    /// as `follower_count`, `following_count`, `likes_count` and `video_count`. Returns false for an
    /// unknown user.
    pub fn set_profile_counts(&self, username: &str, counts: ProfileCounts) -> bool {
        self.shared.set_profile_counts(username, counts)
    }

    fn change(&self, username: &str, f: impl FnOnce(&mut VideoChanges)) -> bool {
        let users = &self.shared.config.users;
        let Some(index) = users.iter().position(|u| u.username == username) else {
            return false;
        };
        let mut changes = self.shared.changes();
        changes.get_mut(index).map(f).is_some()
    }

    /// Requests received by an endpoint so far, faulted and rate-limited ones included.
    pub fn request_count(&self, endpoint: Endpoint) -> u64 {
        self.shared.store().requests(endpoint)
    }

    /// Successful refreshes (rotations) so far.
    pub fn refresh_count(&self) -> u64 {
        self.shared.store().refreshes()
    }

    /// Every access token ever issued, live or not, for leak tests.
    pub fn known_access_tokens(&self) -> Vec<String> {
        self.shared.store().issued_access()
    }

    /// Every refresh token ever issued, live or not, for leak tests.
    pub fn known_refresh_tokens(&self) -> Vec<String> {
        self.shared.store().issued_refresh()
    }

    /// Stops the server and waits until it has stopped; open requests (a `hang` fault) are dropped.
    pub async fn stop(self) {
        self.server.stop(false).await;
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        // The stop command is sent when the future is created; awaiting it is optional.
        drop(self.server.stop(false));
    }
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

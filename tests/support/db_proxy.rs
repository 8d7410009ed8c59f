//! A TCP proxy in front of PostgreSQL that a test can take down and bring back: a database outage
//! without touching the shared server. While down, every proxied connection is dropped and new ones are
//! closed as soon as they are accepted.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The proxy; dropping it stops it.
pub struct DbProxy {
    addr: SocketAddr,
    up: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl DbProxy {
    /// Listens on a free loopback port and forwards to `target` (`host:port`). Needs a tokio runtime.
    pub fn start(target: String) -> DbProxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("the proxy binds");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("an address");
        let listener = TcpListener::from_std(listener).expect("a tokio listener");
        let (up, _) = watch::channel(true);
        let task = tokio::spawn(accept(listener, target, up.clone()));
        DbProxy { addr, up, task }
    }

    /// `url` (a `postgres://` URL) with its host and port replaced by the proxy's.
    pub fn url_through(url: &str, proxy: &DbProxy) -> String {
        let mut parsed = url::Url::parse(url).expect("a database URL");
        parsed.set_host(Some("127.0.0.1")).expect("a host");
        parsed.set_port(Some(proxy.addr.port())).expect("a port");
        parsed.to_string()
    }

    /// `host:port` of a `postgres://` URL (5432 when it names none).
    pub fn target_of(url: &str) -> String {
        let parsed = url::Url::parse(url).expect("a database URL");
        let host = parsed.host_str().unwrap_or("127.0.0.1");
        format!("{host}:{}", parsed.port().unwrap_or(5432))
    }

    /// The database "stops": open connections are dropped, new ones closed at once.
    pub fn go_down(&self) {
        self.up.send_replace(false);
    }

    /// The database is back.
    pub fn come_back(&self) {
        self.up.send_replace(true);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.go_down();
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, target: String, up: watch::Sender<bool>) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            continue;
        };
        if !*up.borrow() {
            drop(client);
            continue;
        }
        let mut state = up.subscribe();
        let target = target.clone();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(&target).await else {
                return;
            };
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = state.wait_for(|up| !*up) => {}
            }
            // Both sockets close here, as when the server goes away.
        });
    }
}

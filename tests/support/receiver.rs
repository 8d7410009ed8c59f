//! A receiver of the service's events on a loopback port (actix-web): records every delivery with its
//! Standard Webhooks headers, verifies each with the consumers' crate (`tiktok-events`), and answers the
//! status a test sets (401 to a delivery that does not verify).

use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use tiktok_events::{verify, Secret, WebhookHeaders, DEFAULT_TOLERANCE_SECS};

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: String,
    /// `webhook-signature`.
    pub signature: String,
    /// The raw body.
    pub body: Vec<u8>,
    /// Whether the signature verified with the receiver's secret.
    pub verified: bool,
}

impl Delivery {
    /// The body as JSON.
    pub fn envelope(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON envelope")
    }

    /// The envelope's `type`.
    pub fn event_type(&self) -> String {
        self.envelope()["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether the signature verifies with `secret` (now).
    pub fn verifies_with(&self, secret: &Secret) -> bool {
        let headers = WebhookHeaders {
            id: &self.id,
            timestamp: &self.timestamp,
            signature: &self.signature,
        };
        verify(
            std::slice::from_ref(secret),
            &headers,
            &self.body,
            chrono::Utc::now().timestamp(),
            DEFAULT_TOLERANCE_SECS,
        )
        .is_ok()
    }
}

struct State {
    secret: Secret,
    status: AtomicU16,
    received: Mutex<Vec<Delivery>>,
}

/// A running receiver; stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:<port>/hooks`
    pub url: String,
    state: Arc<State>,
    handle: ServerHandle,
}

/// A test secret: 32 bytes from `seed` on (different seeds, different secrets).
pub fn secret(seed: u8) -> Secret {
    Secret::from_bytes((0..32u8).map(|i| seed.wrapping_add(i)).collect())
}

/// A free loopback port (for a receiver that starts later, "down" until then).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

/// The URL a receiver on `port` answers at.
pub fn url_on(port: u16) -> String {
    format!("http://127.0.0.1:{port}/hooks")
}

impl Receiver {
    /// A receiver on a free port, answering 204 to deliveries signed with `secret`.
    pub fn start(secret: Secret) -> Self {
        Self::start_on(0, secret)
    }

    /// A receiver on `port` (0: any free one).
    pub fn start_on(port: u16, secret: Secret) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("the receiver binds");
        let port = listener.local_addr().expect("an address").port();
        let state = Arc::new(State {
            secret,
            status: AtomicU16::new(204),
            received: Mutex::new(Vec::new()),
        });
        let data = web::Data::from(Arc::clone(&state));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/hooks", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("the receiver listens")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: url_on(port),
            state,
            handle,
        }
    }

    /// Answers `status` to verified deliveries from now on.
    pub fn answer(&self, status: u16) {
        self.state.status.store(status, Ordering::SeqCst);
    }

    /// Every delivery so far, in the order received.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state
            .received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Waits (up to 20 s) until at least `n` deliveries came, then answers them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.deliveries();
            if got.len() >= n {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} of {n} deliveries after 20 s: {:?}",
                got.len(),
                got.iter().map(Delivery::event_type).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

async fn receive(request: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut delivery = Delivery {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: body.to_vec(),
        verified: false,
    };
    delivery.verified = delivery.verifies_with(&state.secret);
    let verified = delivery.verified;
    state
        .received
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(delivery);
    if !verified {
        return HttpResponse::Unauthorized().finish();
    }
    let status = state.status.load(Ordering::SeqCst);
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK),
    )
    .finish()
}

//! The whole delivery path on SQLite: events appended to the Diesel outbox, two dispatchers (two
//! replicas) with the HTTP adapter, and an independent receiver in Python (hashlib/hmac/base64 only) that
//! verifies each signature. Each event arrives once, verified; a receiver holding another secret refuses
//! them (and the deliveries are retried, not marked delivered).
#![cfg(test)]

use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tiktok_adapters_db::{Database, DieselEventOutbox, EndpointSubscription, PoolOptions};
use tiktok_adapters_webhooks::{check_url, endpoint_id, HttpEventDelivery, WebhookEndpoint};
use tiktok_domain::events::{
    DisconnectCause, DispatchConfig, Dispatcher, Event, EventData, EventOutbox,
};
use tiktok_domain::ports::SystemClock;
use tiktok_domain::UserId;
use tiktok_events::Secret;

struct Receiver {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn python_receiver(dir: &Path, secret: &str) -> Receiver {
    let port_file = dir.join(format!("port-{}", secret.len()));
    let log = dir.join(format!("log-{}", secret.len()));
    let child = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/receiver.py"))
        .arg(secret)
        .arg(&port_file)
        .arg(&log)
        .spawn()
        .expect("python3 runs");
    let port = loop {
        if let Ok(text) = std::fs::read_to_string(&port_file) {
            break text.trim().parse().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    Receiver { child, port, log }
}

fn accepted(receiver: &Receiver) -> Vec<String> {
    std::fs::read_to_string(&receiver.log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

async fn setup(
    dir: &Path,
    receiver: &Receiver,
    secret: &Secret,
) -> (Database, Vec<Dispatcher>, Vec<Event>) {
    let url = format!("sqlite://{}/events.db", dir.display());
    let db = Database::connect(&url, PoolOptions::default()).expect("pool");
    db.run_migrations().await.expect("migrated");
    let url = check_url(&format!("http://127.0.0.1:{}/hooks", receiver.port), false).unwrap();
    let endpoint = WebhookEndpoint {
        id: endpoint_id(&url),
        url,
        secrets: vec![secret.clone()],
        types: None,
    };
    let outbox = DieselEventOutbox::new(db.clone());
    outbox
        .configure_endpoints(
            vec![EndpointSubscription {
                id: endpoint.id.clone(),
                types: None,
            }],
            Utc::now(),
        )
        .await
        .unwrap();
    let mut events = Vec::new();
    for i in 0..10 {
        let e = Event::new(
            UserId::parse(&format!("user-{}", i % 3)).unwrap(),
            Utc::now(),
            EventData::Disconnected {
                reason: DisconnectCause::UserRequest,
            },
        );
        outbox.append(&e).await.unwrap();
        events.push(e);
    }
    let dispatchers = ["r1", "r2"]
        .into_iter()
        .map(|replica| {
            Dispatcher::new(
                Arc::new(DieselEventOutbox::new(db.clone())),
                Arc::new(
                    HttpEventDelivery::new(vec![endpoint.clone()], Duration::from_secs(5)).unwrap(),
                ),
                Arc::new(SystemClock),
                replica,
                DispatchConfig::default(),
            )
        })
        .collect();
    (db, dispatchers, events)
}

async fn dispatch_until_idle(dispatchers: &[Dispatcher]) {
    loop {
        let (a, b) = tokio::join!(dispatchers[0].tick(), dispatchers[1].tick());
        tokio::join!(dispatchers[0].drain(), dispatchers[1].drain());
        if a.unwrap() + b.unwrap() == 0 {
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_deliver_each_event_once_verified_by_an_independent_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let secret = Secret::from_bytes((10u8..42).collect());
    let receiver = python_receiver(dir.path(), &secret.to_whsec()).await;
    let (db, dispatchers, events) = setup(dir.path(), &receiver, &secret).await;
    dispatch_until_idle(&dispatchers).await;

    let mut got = accepted(&receiver);
    assert_eq!(got.len(), events.len(), "{got:?}");
    // Per user, in order; overall each once.
    for user in ["user-0", "user-1", "user-2"] {
        let expected: Vec<String> = events
            .iter()
            .filter(|e| e.user_id.as_str() == user)
            .map(|e| format!("ok {}", e.id))
            .collect();
        let seen: Vec<String> = got
            .iter()
            .filter(|line| expected.contains(line))
            .cloned()
            .collect();
        assert_eq!(seen, expected, "{user}'s events in order");
    }
    got.sort();
    got.dedup();
    assert_eq!(got.len(), events.len(), "no duplicates");
    let outbox = DieselEventOutbox::new(db);
    for e in &events {
        assert_eq!(
            outbox.delivery_states(&e.id).await.unwrap()[0].1,
            "delivered"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_with_another_secret_refuses_and_the_delivery_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let theirs = Secret::from_bytes(vec![3; 32]);
    let receiver = python_receiver(dir.path(), &theirs.to_whsec()).await;
    let ours = Secret::from_bytes(vec![4; 32]);
    let (db, dispatchers, events) = setup(dir.path(), &receiver, &ours).await;
    dispatch_until_idle(&dispatchers).await;
    let got = accepted(&receiver);
    assert!(!got.is_empty());
    assert!(got.iter().all(|line| line.starts_with("bad ")), "{got:?}");
    let outbox = DieselEventOutbox::new(db);
    let page = outbox.feed(None, 100, None).await.unwrap();
    assert_eq!(page.events.len(), events.len());
    for e in &events {
        assert_eq!(
            outbox.delivery_states(&e.id).await.unwrap()[0].1,
            "pending",
            "retried later"
        );
    }
}

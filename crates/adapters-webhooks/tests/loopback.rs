//! The delivery adapter against a real receiver on a loopback port (a std TcpListener answering a fixed
//! status): signed headers that verify with the consumers' crate, the outcome per status, no redirect
//! followed, a receiver that never answers becomes a `timeout` retry.
#![cfg(test)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use tiktok_adapters_webhooks::{
    check_url, endpoint_id, EndpointError, HttpEventDelivery, WebhookEndpoint,
};
use tiktok_domain::events::{DeliveryOutcome, EventDelivery, EventId};
use tiktok_events::{verify, Secret, WebhookHeaders, DEFAULT_TOLERANCE_SECS};

struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

/// Serves one request with `status_line` (and `extra` headers), or never answers when `status_line` is
/// empty; sends what it received.
fn receiver(status_line: &'static str, extra: &'static str) -> (String, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = Vec::new();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            let (name, value) = trimmed.split_once(':').unwrap();
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let _ = tx.send(Received {
            headers,
            body: String::from_utf8(body).unwrap(),
        });
        if status_line.is_empty() {
            std::thread::sleep(Duration::from_secs(5));
            return;
        }
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status_line}\r\n{extra}content-length: 0\r\nconnection: close\r\n\r\n"
        );
    });
    (url, rx)
}

fn secret() -> Secret {
    Secret::from_bytes((1u8..=32).collect())
}

fn adapter(url: &str) -> (HttpEventDelivery, String) {
    let url = check_url(url, false).unwrap();
    let id = endpoint_id(&url);
    let endpoint = WebhookEndpoint {
        id: id.clone(),
        url,
        secrets: vec![secret()],
        types: None,
    };
    (
        HttpEventDelivery::new(vec![endpoint], Duration::from_millis(500)).unwrap(),
        id,
    )
}

const BODY: &str = r#"{"id":"evt_01JEJ0000000000000000000AB","type":"tiktok.account.connected","user_id":"u1","occurred_at":"2026-12-04T12:00:00.000Z","data":{"scopes":["user.info.basic"]}}"#;

fn event_id() -> EventId {
    EventId::parse("evt_01JEJ0000000000000000000AB").unwrap()
}

#[tokio::test]
async fn a_2xx_is_delivered_and_the_signature_verifies_with_the_consumers_crate() {
    let (url, rx) = receiver("204 No Content", "");
    let (delivery, id) = adapter(&url);
    assert_eq!(
        delivery.send(&id, &event_id(), BODY).await,
        DeliveryOutcome::Delivered
    );
    let got = rx.recv().unwrap();
    let header = |name: &str| {
        got.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(got.body, BODY);
    assert_eq!(header("webhook-id"), "evt_01JEJ0000000000000000000AB");
    assert_eq!(header("content-type"), "application/json");
    let timestamp = header("webhook-timestamp");
    let signature = header("webhook-signature");
    let headers = WebhookHeaders {
        id: "evt_01JEJ0000000000000000000AB",
        timestamp: &timestamp,
        signature: &signature,
    };
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        verify(
            &[secret()],
            &headers,
            BODY.as_bytes(),
            now,
            DEFAULT_TOLERANCE_SECS
        ),
        Ok(())
    );
    let wrong = Secret::from_bytes(vec![9; 32]);
    assert!(verify(
        &[wrong],
        &headers,
        BODY.as_bytes(),
        now,
        DEFAULT_TOLERANCE_SECS
    )
    .is_err());
}

#[tokio::test]
async fn a_410_is_gone_and_other_statuses_retry() {
    let (url, _rx) = receiver("410 Gone", "");
    let (delivery, id) = adapter(&url);
    assert_eq!(
        delivery.send(&id, &event_id(), BODY).await,
        DeliveryOutcome::Gone
    );
    let (url, _rx) = receiver("503 Service Unavailable", "");
    let (delivery, id) = adapter(&url);
    assert_eq!(
        delivery.send(&id, &event_id(), BODY).await,
        DeliveryOutcome::Retry("status 503".into())
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (url, _rx) = receiver(
        "307 Temporary Redirect",
        "location: http://127.0.0.1:9/elsewhere\r\n",
    );
    let (delivery, id) = adapter(&url);
    assert_eq!(
        delivery.send(&id, &event_id(), BODY).await,
        DeliveryOutcome::Retry("status 307".into())
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_is_a_timeout_and_an_unknown_endpoint_retries() {
    let (url, _rx) = receiver("", "");
    let (delivery, id) = adapter(&url);
    assert_eq!(
        delivery.send(&id, &event_id(), BODY).await,
        DeliveryOutcome::Retry("timeout".into())
    );
    assert!(matches!(
        delivery.send("ep_unknown", &event_id(), BODY).await,
        DeliveryOutcome::Retry(_)
    ));
}

#[test]
fn receiver_urls_are_checked() {
    assert!(check_url("https://hooks.internal/x", true).is_ok());
    assert!(matches!(
        check_url("http://hooks.internal/x", true),
        Err(EndpointError::Scheme { .. })
    ));
    assert!(check_url("http://hooks.internal/x", false).is_ok());
    assert!(matches!(
        check_url("ftp://hooks.internal/x", false),
        Err(EndpointError::Scheme { .. })
    ));
    assert!(matches!(
        check_url("not a url", false),
        Err(EndpointError::Unparsable(_))
    ));
    assert_eq!(
        check_url("https://user:pw@hooks.internal/", true),
        Err(EndpointError::Credentials)
    );
    let a = check_url("https://hooks.internal/a", true).unwrap();
    assert_eq!(endpoint_id(&a), endpoint_id(&a.clone()));
    assert_ne!(
        endpoint_id(&a),
        endpoint_id(&check_url("https://hooks.internal/b", true).unwrap())
    );
}

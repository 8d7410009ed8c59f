use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use reqwest::redirect::Policy;
use tiktok_domain::events::{DeliveryOutcome, EventDelivery, EventId};
use tiktok_events::signature_header;

use crate::WebhookEndpoint;

/// Posts deliveries to the configured endpoints.
pub struct HttpEventDelivery {
    client: reqwest::Client,
    endpoints: HashMap<String, WebhookEndpoint>,
}

impl HttpEventDelivery {
    /// A client with `timeout` for the whole attempt (connect, send, response head), following no
    /// redirects (a redirect is a failed attempt: the receiver's URL is what the operator configured).
    ///
    /// # Errors
    /// The TLS client could not be built.
    pub fn new(endpoints: Vec<WebhookEndpoint>, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent("tiktok-integration-events/1")
            .build()?;
        Ok(Self {
            client,
            endpoints: endpoints.into_iter().map(|e| (e.id.clone(), e)).collect(),
        })
    }
}

#[async_trait]
impl EventDelivery for HttpEventDelivery {
    async fn send(&self, endpoint_id: &str, event_id: &EventId, body: &str) -> DeliveryOutcome {
        let Some(endpoint) = self.endpoints.get(endpoint_id) else {
            // Stored for an endpoint this replica does not know (configuration changing across a
            // rolling deploy): retried until a replica that knows it takes it, or the window ends.
            return DeliveryOutcome::Retry("endpoint not configured on this replica".to_owned());
        };
        let timestamp = Utc::now().timestamp();
        let signature = signature_header(
            &endpoint.secrets,
            event_id.as_str(),
            timestamp,
            body.as_bytes(),
        );
        let sent = self
            .client
            .post(endpoint.url.clone())
            .header("content-type", "application/json")
            .header("webhook-id", event_id.as_str())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_owned())
            .send()
            .await;
        // The response body is never read: dropping the response closes (or reuses) the connection.
        match sent {
            Ok(response) if response.status().is_success() => DeliveryOutcome::Delivered,
            Ok(response) if response.status() == reqwest::StatusCode::GONE => DeliveryOutcome::Gone,
            Ok(response) => {
                DeliveryOutcome::Retry(format!("status {}", response.status().as_u16()))
            }
            Err(error) if error.is_timeout() => DeliveryOutcome::Retry("timeout".to_owned()),
            Err(error) if error.is_connect() => {
                DeliveryOutcome::Retry("connection refused".to_owned())
            }
            Err(_) => DeliveryOutcome::Retry("request failed".to_owned()),
        }
    }
}

//! The events for internal services, wired: the receivers from `EVENTS_WEBHOOK_URLS`,
//! `EVENTS_WEBHOOK_SECRET` and `[[events.receivers]]` (checked at start-up, registered in the outbox),
//! the feed the routes serve, and the dispatcher and retention purge each replica runs until shutdown.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use tiktok_adapters_db::{Database, DieselEventOutbox, EndpointSubscription};
use tiktok_adapters_webhooks::{
    check_url, endpoint_id, receivers_from_env, HttpEventDelivery, WebhookEndpoint,
};
use tiktok_domain::events::{
    DispatchConfig, Dispatcher, EventFeed, EventOutbox, EventType, RetryPolicy,
};
use tiktok_domain::ports::{Clock, SystemClock};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::settings::{is_blank, Environment, EventsSettings, Settings};
use crate::wiring::StartupError;

/// How often the retention purge of events runs on one replica.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// How long to wait before registering the receivers again when the database did not answer.
const REGISTER_RETRY: Duration = Duration::from_secs(1);

/// The pull feed and replay (admin scope) over `database`, for the routes.
pub fn feed(database: Database) -> EventFeed {
    EventFeed::new(
        Arc::new(DieselEventOutbox::new(database)),
        Arc::new(SystemClock),
    )
}

/// The events side of a replica: the receivers to register, the dispatcher and the retention.
pub struct Events {
    outbox: DieselEventOutbox,
    subscriptions: Vec<EndpointSubscription>,
    dispatcher: Option<Arc<Dispatcher>>,
    retention: Option<chrono::Duration>,
}

impl Events {
    /// Checks the receivers and the `[events]` settings and builds the outbox, the delivery client and
    /// the dispatcher (nothing runs yet).
    ///
    /// # Errors
    /// A bad receiver URL or secret, or inconsistent settings: the message names the variable or key.
    pub fn build(settings: &Settings, database: Database) -> Result<Self, StartupError> {
        let config = &settings.events;
        let endpoints = receivers(settings)?;
        let subscriptions = endpoints
            .iter()
            .map(|e| EndpointSubscription {
                id: e.id.clone(),
                types: e.types.clone(),
            })
            .collect();
        let outbox = DieselEventOutbox::new(database);
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let shared: Arc<dyn EventOutbox> = Arc::new(outbox.clone());
        let dispatcher = if config.dispatch_enabled && !endpoints.is_empty() {
            let timeout = Duration::from_millis(config.delivery_timeout_ms.max(1));
            let delivery = HttpEventDelivery::new(endpoints, timeout).map_err(|e| {
                StartupError::Config(format!("the events delivery client cannot be built: {e}"))
            })?;
            Some(Arc::new(Dispatcher::new(
                shared,
                Arc::new(delivery),
                clock,
                crate::background::replica_name(),
                dispatch_config(config)?,
            )))
        } else {
            None
        };
        let retention = config
            .dispatch_enabled
            .then(|| chrono::Duration::days(config.retention_days));
        if config.retention_days <= 0 {
            return Err(StartupError::Config(
                "events.retention_days must be positive".into(),
            ));
        }
        Ok(Self {
            outbox,
            subscriptions,
            dispatcher,
            retention,
        })
    }

    /// Registers the configured receivers in the outbox (a receiver no longer configured is disabled),
    /// so that events written from now on get their deliveries. When the database does not answer yet,
    /// registering is retried by [`Events::spawn`]'s task before it dispatches.
    pub async fn register(&self) -> bool {
        match self
            .outbox
            .configure_endpoints(self.subscriptions.clone(), chrono::Utc::now())
            .await
        {
            Ok(()) => {
                tracing::info!(
                    receivers = self.subscriptions.len(),
                    "events receivers registered"
                );
                true
            }
            Err(error) => {
                tracing::warn!(%error, "events receivers could not be registered yet; retrying");
                false
            }
        }
    }

    /// Starts the dispatcher and the retention purge (each when enabled); both end once `stop` says
    /// `true`, the dispatcher after the deliveries in flight are answered.
    pub fn spawn(self, registered: bool, stop: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let mut tasks = Vec::new();
        let this = Arc::new(self);
        if let Some(retention) = this.retention {
            let outbox = this.outbox.clone();
            tasks.push(tokio::spawn(purge_loop(outbox, retention, stop.clone())));
        }
        if this.dispatcher.is_some() || !registered {
            tasks.push(tokio::spawn(dispatch_loop(this, registered, stop)));
        }
        tasks
    }
}

/// Registers the receivers until it works (unless already done), then dispatches until `stop`.
async fn dispatch_loop(events: Arc<Events>, registered: bool, mut stop: watch::Receiver<bool>) {
    if !registered {
        while !events.register().await {
            if sleep_or_stop(REGISTER_RETRY, &mut stop).await {
                return;
            }
        }
    }
    let Some(dispatcher) = events.dispatcher.clone() else {
        return;
    };
    tracing::info!("events dispatcher started");
    dispatcher
        .run(async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        })
        .await;
    tracing::info!("events dispatcher stopped");
}

/// Deletes the events older than `retention` once an hour, until `stop`.
async fn purge_loop(
    outbox: DieselEventOutbox,
    retention: chrono::Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        match outbox.purge_before(chrono::Utc::now() - retention).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "events past the retention deleted"),
            Err(error) => tracing::warn!(%error, "the events retention could not run"),
        }
        if sleep_or_stop(RETENTION_EVERY, &mut stop).await {
            return;
        }
    }
}

/// Sleeps for `duration` unless the stop signal comes first; returns whether to stop.
async fn sleep_or_stop(duration: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    let slept = tokio::select! {
        () = tokio::time::sleep(duration) => true,
        _ = stop.wait_for(|stopped| *stopped) => false,
    };
    !slept || *stop.borrow()
}

/// The receivers: every URL of `EVENTS_WEBHOOK_URLS` (all types, `EVENTS_WEBHOOK_SECRET`), then each
/// `[[events.receivers]]` entry (its own types and secret when set). https is required in production.
///
/// # Errors
/// A URL, a secret or an event type that does not parse, a missing secret, or the same URL twice.
pub fn receivers(settings: &Settings) -> Result<Vec<WebhookEndpoint>, StartupError> {
    let config = &settings.events;
    let production = settings.environment == Environment::Production;
    let shared_secret =
        Some(config.webhook_secret.expose_secret()).filter(|_| !is_blank(&config.webhook_secret));
    let mut endpoints = receivers_from_env(&config.webhook_urls, shared_secret, production)
        .map_err(|e| StartupError::Config(with_variable(&e.to_string(), "EVENTS_WEBHOOK_URLS")))?;
    for (n, receiver) in config.receivers.iter().enumerate() {
        let key = format!("events.receivers[{n}]");
        let url = check_url(&receiver.url, production)
            .map_err(|e| StartupError::Config(format!("{key}.url: {e}")))?;
        let secret = match &receiver.secret {
            Some(own) if !is_blank(own) => own.expose_secret().to_owned(),
            _ => shared_secret.map(str::to_owned).ok_or_else(|| {
                StartupError::Config(format!(
                    "{key} has no secret and EVENTS_WEBHOOK_SECRET is not set"
                ))
            })?,
        };
        let secrets = secret
            .split_whitespace()
            .map(tiktok_events::Secret::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StartupError::Config(format!("{key}.secret: {e}")))?;
        let types = receiver
            .types
            .as_ref()
            .map(|names| {
                names
                    .iter()
                    .map(|name| {
                        EventType::parse(name).ok_or_else(|| {
                            StartupError::Config(format!(
                                "{key}.types: {name:?} is not an event type"
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        endpoints.push(WebhookEndpoint {
            id: endpoint_id(&url),
            url,
            secrets,
            types,
        });
    }
    let mut ids: Vec<&str> = endpoints.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(StartupError::Config(
            "EVENTS_WEBHOOK_URLS / events.receivers: the same receiver URL is configured twice"
                .into(),
        ));
    }
    Ok(endpoints)
}

/// A receivers error names `EVENTS_WEBHOOK_SECRET` itself when the secret is at fault; any other names
/// `variable`.
fn with_variable(message: &str, variable: &str) -> String {
    if message.contains("EVENTS_WEBHOOK_") {
        message.to_owned()
    } else {
        format!("{variable}: {message}")
    }
}

/// The dispatcher's pacing and retry policy from `[events]`.
///
/// # Errors
/// A lease that does not outlast a delivery attempt, or a zero batch or share.
pub fn dispatch_config(config: &EventsSettings) -> Result<DispatchConfig, StartupError> {
    if config.lease_seconds * 1000 <= config.delivery_timeout_ms {
        return Err(StartupError::Config(format!(
            "events.lease_seconds must exceed events.delivery_timeout_ms ({} ms), or two replicas \
             could send the same delivery at once",
            config.delivery_timeout_ms
        )));
    }
    if config.dispatch_batch == 0 || config.per_receiver == 0 {
        return Err(StartupError::Config(
            "events.dispatch_batch and events.per_receiver must be positive".into(),
        ));
    }
    Ok(DispatchConfig {
        max_in_flight: config.dispatch_batch,
        per_endpoint: config.per_receiver,
        lease: Duration::from_secs(config.lease_seconds),
        poll_interval: Duration::from_millis(config.dispatch_interval_ms.max(10)),
        retry: RetryPolicy {
            first_retry: Duration::from_secs(config.first_retry_seconds.max(1)),
            max_delay: Duration::from_secs(config.max_retry_delay_seconds.max(1)),
            window: Duration::from_secs(config.retry_window_hours.saturating_mul(3600)),
        },
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn settings(
        env: &str,
        pairs: &[(&str, &str)],
        config_dir: Option<&std::path::Path>,
    ) -> Settings {
        let mut vars: HashMap<String, String> = [
            ("APP_ENV", env),
            ("TIKTOK_CLIENT_ID", "client-key-1"),
            ("TIKTOK_CLIENT_SECRET", "client-secret"),
            (
                "TOKEN_ENCRYPTION_KEY",
                "prod:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ),
            ("AUTH_JWT_SECRET", "jwt-secret-value-of-at-least-32-bytes!!"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        vars.extend(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Settings::load(&vars, config_dir).expect("settings load")
    }

    fn refusal(settings: &Settings) -> String {
        match receivers(settings) {
            Err(StartupError::Config(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_receiver_refuses_start_up_naming_the_variable_without_the_secret() {
        let http = [
            ("EVENTS_WEBHOOK_URLS", "http://crm.internal/hooks"),
            ("EVENTS_WEBHOOK_SECRET", SECRET),
        ];
        let message = refusal(&settings("production", &http, None));
        assert!(message.starts_with("EVENTS_WEBHOOK_URLS: "), "{message}");
        assert!(message.contains("https"), "{message}");
        assert_eq!(receivers(&settings("test", &http, None)).unwrap().len(), 1);

        let unparsable = [
            ("EVENTS_WEBHOOK_URLS", "not a url"),
            ("EVENTS_WEBHOOK_SECRET", SECRET),
        ];
        assert!(refusal(&settings("test", &unparsable, None)).starts_with("EVENTS_WEBHOOK_URLS: "));

        let no_secret = [("EVENTS_WEBHOOK_URLS", "https://crm.internal/hooks")];
        assert!(refusal(&settings("test", &no_secret, None)).contains("EVENTS_WEBHOOK_SECRET"));

        let bad_secret = [
            ("EVENTS_WEBHOOK_URLS", "https://crm.internal/hooks"),
            ("EVENTS_WEBHOOK_SECRET", "whsec_c2hvcnQ="),
        ];
        let message = refusal(&settings("test", &bad_secret, None));
        assert!(message.contains("EVENTS_WEBHOOK_SECRET"), "{message}");
        assert!(!message.contains("c2hvcnQ"), "{message}");

        let twice = [
            (
                "EVENTS_WEBHOOK_URLS",
                "https://a.internal/h,https://a.internal/h",
            ),
            ("EVENTS_WEBHOOK_SECRET", SECRET),
        ];
        assert!(refusal(&settings("test", &twice, None)).contains("twice"));
        assert!(receivers(&settings("test", &[], None)).unwrap().is_empty());
    }

    #[test]
    fn config_file_receivers_get_their_own_types_and_are_checked() {
        let dir = std::env::temp_dir().join(format!("events-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("test.toml"),
            "[[events.receivers]]\nurl = \"https://crm.internal/hooks\"\n\
             types = [\"tiktok.account.connected\"]\n",
        )
        .unwrap();
        let with_secret = [("EVENTS_WEBHOOK_SECRET", SECRET)];
        let endpoints = receivers(&settings("test", &with_secret, Some(&dir))).unwrap();
        assert_eq!(endpoints.len(), 1);
        assert_eq!(endpoints[0].types, Some(vec![EventType::Connected]));

        std::fs::write(
            dir.join("test.toml"),
            "[[events.receivers]]\nurl = \"https://crm.internal/hooks\"\ntypes = [\"nope\"]\n",
        )
        .unwrap();
        let message = refusal(&settings("test", &with_secret, Some(&dir)));
        assert!(
            message.starts_with("events.receivers[0].types"),
            "{message}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_lease_shorter_than_a_delivery_is_refused() {
        let mut config = settings("test", &[], None).events;
        assert!(dispatch_config(&config).is_ok());
        config.lease_seconds = 5;
        config.delivery_timeout_ms = 5_000;
        let Err(StartupError::Config(message)) = dispatch_config(&config) else {
            panic!("expected a refusal");
        };
        assert!(message.contains("events.lease_seconds"), "{message}");
    }
}

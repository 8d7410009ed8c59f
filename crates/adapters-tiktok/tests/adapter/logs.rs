//! Nothing secret reaches the logs or the error values, whatever goes wrong.

use std::fmt::{Debug, Write as _};
use std::sync::{Arc, Mutex};

use tiktok_domain::ports::{TikTokData, TikTokOAuth};
use tiktok_domain::values::{AuthorizationCode, CodeVerifier};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::common::*;

/// Records every event's and span's fields as text.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Capture {
    pub(crate) fn text(&self) -> String {
        self.0.lock().map(|t| t.clone()).unwrap_or_default()
    }
    fn with(&self, f: impl FnOnce(&mut Fields<'_>)) {
        if let Ok(mut text) = self.0.lock() {
            f(&mut Fields(&mut text));
            text.push('\n');
        }
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.with(|f| span.record(f));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        self.with(|f| values.record(f));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.with(|f| {
            let _ = write!(f.0, "{} ", event.metadata().target());
            event.record(f);
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn no_token_code_verifier_or_secret_appears_in_logs_or_errors() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sbx = sandbox();
    let client = client(&sbx);
    let mut errors = Vec::new();

    let verifier = CodeVerifier::generate();
    let req = request(ALL_SCOPES, Some(verifier.clone()));
    let code = code_of(&browse(&client, &req, &[]).await);
    let grant = client
        .exchange_code(&code, &redirect_uri(), Some(verifier.clone()))
        .await
        .expect("grant");
    errors.push(format!(
        "{:?}",
        client
            .exchange_code(&code, &redirect_uri(), Some(verifier.clone()))
            .await
    ));
    let fresh = client.refresh(&grant.refresh_token).await.expect("refresh");
    errors.push(format!("{:?}", client.refresh(&grant.refresh_token).await));
    for kind in [
        FaultKind::InternalError,
        FaultKind::Garbage,
        FaultKind::CloseConnection,
        FaultKind::RateLimited,
    ] {
        sbx.inject_fault(Fault::new(kind).times(1));
        errors.push(format!("{:?}", client.refresh(&fresh.refresh_token).await));
        sbx.inject_fault(Fault::new(kind).on(Endpoint::UserInfo));
        errors.push(format!(
            "{:?}",
            client.user_info(&fresh.access_token, &fresh.scopes).await
        ));
        sbx.clear_faults();
    }
    sbx.withdraw_scope(grant.open_id.as_str(), "video.list");
    errors.push(format!(
        "{:?}",
        client.list_videos(&fresh.access_token, None, 20).await
    ));
    client.revoke(&fresh.access_token).await.expect("revoke");
    errors.push(format!(
        "{:?}",
        client.user_info(&fresh.access_token, &fresh.scopes).await
    ));
    let stale = AuthorizationCode::parse("stale*0!1234.u1").expect("code");
    errors.push(format!(
        "{:?}",
        client.exchange_code(&stale, &redirect_uri(), None).await
    ));

    let logs = capture.text();
    assert!(
        logs.contains("log_id"),
        "the capture works and log ids are logged: {logs}"
    );
    let mut secrets = sbx.known_access_tokens();
    secrets.extend(sbx.known_refresh_tokens());
    secrets.extend([
        sbx.client_secret().to_owned(),
        code.expose().to_owned(),
        stale.expose().to_owned(),
        verifier.expose().to_owned(),
    ]);
    let everything = format!("{logs}\n{}", errors.join("\n"));
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a secret leaked: {secret}"
        );
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        assert!(!everything.contains(&encoded), "an encoded secret leaked");
    }
}

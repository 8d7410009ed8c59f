//! Fault switches: make an endpoint misbehave for the next N requests or until cleared.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// One of the sandbox's TikTok endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `GET /v2/auth/authorize/`.
    Authorize,
    /// `POST /v2/oauth/token/`.
    Token,
    /// `POST /v2/oauth/revoke/`.
    Revoke,
    /// `GET /v2/user/info/`.
    UserInfo,
    /// `POST /v2/video/list/`.
    VideoList,
}

impl Endpoint {
    /// All endpoints, in a fixed order.
    pub const ALL: [Endpoint; 5] = [
        Endpoint::Authorize,
        Endpoint::Token,
        Endpoint::Revoke,
        Endpoint::UserInfo,
        Endpoint::VideoList,
    ];

    /// The snake_case name used over HTTP (`user_info`, …).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Authorize => "authorize",
            Endpoint::Token => "token",
            Endpoint::Revoke => "revoke",
            Endpoint::UserInfo => "user_info",
            Endpoint::VideoList => "video_list",
        }
    }

    /// Parses [`Endpoint::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// How a faulty endpoint misbehaves.
///
/// Over HTTP the kind is the `kind` field: `rate_limited`, `internal_error`, `service_unavailable`,
/// `garbage`, `slow` (with `delay_ms`), `close_connection` or `hang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// HTTP 429 with `rate_limit_exceeded` (no `Retry-After`, as at TikTok).
    RateLimited,
    /// HTTP 500 (`internal_error` / `server_error`).
    InternalError,
    /// HTTP 503 (`temporarily_unavailable`).
    ServiceUnavailable,
    /// HTTP 200 with an HTML body that is not JSON.
    Garbage,
    /// Waits `delay_ms` milliseconds, then answers normally.
    Slow {
        /// The delay before answering.
        delay_ms: u64,
    },
    /// Drops the connection without an HTTP answer.
    CloseConnection,
    /// Never answers (until the client gives up or the sandbox stops).
    Hang,
}

/// A fault switch: which endpoint, what goes wrong, and for how many requests.
///
/// Over HTTP (`POST /sandbox/faults`):
/// `{"endpoint": "user_info", "kind": "slow", "delay_ms": 3000, "times": 2}`; leave out `endpoint` (or say
/// `"all"`) for every endpoint and leave out `times` for "until cleared".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// The endpoint it applies to; `None` means every endpoint.
    #[serde(default, deserialize_with = "endpoint_or_all")]
    pub endpoint: Option<Endpoint>,
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many more requests it hits; `None` means until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

impl Fault {
    /// A fault on every endpoint, until cleared; narrow it with [`Fault::on`] and [`Fault::times`].
    pub fn new(kind: FaultKind) -> Self {
        Self {
            endpoint: None,
            kind,
            times: None,
        }
    }

    /// Limits the fault to one endpoint.
    pub fn on(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Limits the fault to the next `n` requests it matches.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

fn endpoint_or_all<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Endpoint>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref() {
        None | Some("all") => Ok(None),
        Some(name) => Endpoint::from_name(name)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("unknown endpoint {name:?}"))),
    }
}

/// The active faults, first match wins.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    faults: Vec<Fault>,
}

impl FaultBook {
    pub(crate) fn add(&mut self, fault: Fault) {
        if fault.times != Some(0) {
            self.faults.push(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.faults.clear();
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        self.faults.clone()
    }

    /// The fault that hits this request to `endpoint`, spending one of its `times`.
    pub(crate) fn take(&mut self, endpoint: Endpoint) -> Option<FaultKind> {
        let pos = self
            .faults
            .iter()
            .position(|f| f.endpoint.is_none_or(|e| e == endpoint))?;
        let fault = &mut self.faults[pos];
        let kind = fault.kind;
        if let Some(left) = fault.times.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.faults.remove(pos);
            }
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_fault_hits_exactly_that_many_requests_of_its_endpoint() {
        let mut book = FaultBook::default();
        book.add(Fault::new(FaultKind::Garbage).on(Endpoint::Token).times(2));
        assert_eq!(book.take(Endpoint::UserInfo), None);
        assert_eq!(book.take(Endpoint::Token), Some(FaultKind::Garbage));
        assert_eq!(book.take(Endpoint::Token), Some(FaultKind::Garbage));
        assert_eq!(book.take(Endpoint::Token), None);
    }

    #[test]
    fn faults_read_from_json_accept_all_and_omitted_fields() {
        let f: Fault =
            serde_json::from_str(r#"{"endpoint":"all","kind":"slow","delay_ms":5}"#).unwrap();
        assert_eq!(f, Fault::new(FaultKind::Slow { delay_ms: 5 }));
        let g: Fault =
            serde_json::from_str(r#"{"endpoint":"video_list","kind":"hang","times":1}"#).unwrap();
        assert_eq!(
            g,
            Fault::new(FaultKind::Hang).on(Endpoint::VideoList).times(1)
        );
        assert!(serde_json::from_str::<Fault>(r#"{"endpoint":"nope","kind":"hang"}"#).is_err());
    }
}

//! TikTok Shop's envelope `{code, message, request_id, data}`, parsed once and sorted into data or a
//! [`ShopApiError`] (TikTok reference §7.6, §7.10).

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use tiktok_domain::shop::ShopApiError;

use crate::client::WireError;

#[derive(Deserialize)]
struct Envelope<T> {
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    request_id: String,
    data: Option<T>,
}

#[derive(Deserialize)]
struct Head {
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    request_id: String,
}

/// Reads an answer: `code == 0` gives `data` (required); any other code is classified. HTTP status only
/// matters when the body is not an envelope (429 → rate limited, 5xx → unavailable).
pub(crate) fn read<T: DeserializeOwned>(
    api: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, ShopApiError> {
    let envelope = match serde_json::from_slice::<Envelope<T>>(body) {
        Ok(envelope) => envelope,
        Err(parse) => {
            // Maybe an error envelope whose `data` does not have the success shape.
            if let Ok(head) = serde_json::from_slice::<Head>(body) {
                if head.code != 0 {
                    return Err(classify(
                        api,
                        head.code,
                        &head.message,
                        &head.request_id,
                        retry_after,
                    ));
                }
            }
            return Err(by_status(
                api,
                status,
                retry_after,
                WireError::parse(&parse),
            ));
        }
    };
    if envelope.code != 0 {
        return Err(classify(
            api,
            envelope.code,
            &envelope.message,
            &envelope.request_id,
            retry_after,
        ));
    }
    envelope
        .data
        .ok_or_else(|| ShopApiError::InvalidResponse(Box::new(WireError::missing("data"))))
}

fn by_status(
    api: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    cause: WireError,
) -> ShopApiError {
    tracing::warn!(api, http_status = status, error = %cause, "TikTok Shop answer unreadable");
    match status {
        429 => ShopApiError::RateLimited { retry_after },
        500..=599 => ShopApiError::Unavailable(Box::new(WireError::Status(status))),
        _ => ShopApiError::InvalidResponse(Box::new(cause)),
    }
}

/// Sorts a non-zero `code` into what the caller should do. `message` is used for `36009004` only (an
/// overloaded code) and never kept: it may quote request values.
pub(crate) fn classify(
    api: &'static str,
    code: i64,
    message: &str,
    request_id: &str,
    retry_after: Option<Duration>,
) -> ShopApiError {
    tracing::info!(api, code, request_id, "TikTok Shop answered an error code");
    let lower = message.to_ascii_lowercase();
    match code {
        105_002 => ShopApiError::AccessTokenExpired,
        105_001 | 36_004_001 | 36_004_004 | 36_004_005 => ShopApiError::ReauthRequired { code },
        36_009_004 if lower.contains("access_token") || lower.contains("access-token") => {
            ShopApiError::ReauthRequired { code }
        }
        105_005 => ShopApiError::MissingPermission { code },
        12_052_180 => ShopApiError::ResultCapExceeded,
        36_009_002 => ShopApiError::RateLimited { retry_after },
        36_009_003 | 36_009_007 => ShopApiError::Unavailable(Box::new(WireError::Api {
            code: code.to_string(),
            log_id: request_id.to_owned(),
        })),
        _ => ShopApiError::Rejected {
            code,
            request_id: request_id.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn err(status: u16, body: &str) -> ShopApiError {
        read::<Value>("test", status, None, body.as_bytes()).expect_err("an error")
    }

    #[test]
    fn code_zero_gives_data_and_data_is_required() {
        let data: Value = read(
            "t",
            200,
            None,
            br#"{"code":0,"message":"Success","request_id":"r","data":{"a":1}}"#,
        )
        .expect("data");
        assert_eq!(data["a"], 1);
        assert!(matches!(
            err(200, r#"{"code":0,"message":"ok","request_id":"r"}"#),
            ShopApiError::InvalidResponse(_)
        ));
    }

    #[test]
    fn codes_are_mapped_as_the_contract_says() {
        let e = |code: i64, message: &str| {
            err(
                200,
                &format!(
                    r#"{{"code":{code},"message":"{message}","request_id":"rq","data":null}}"#
                ),
            )
        };
        assert!(matches!(
            e(105002, "Expired credentials"),
            ShopApiError::AccessTokenExpired
        ));
        assert!(matches!(
            e(105001, "deauthorized"),
            ShopApiError::ReauthRequired { code: 105001 }
        ));
        assert!(matches!(
            e(36004001, "rt has expired"),
            ShopApiError::ReauthRequired { .. }
        ));
        assert!(matches!(
            e(36009004, "Invalid x-tts-access-token header"),
            ShopApiError::ReauthRequired { .. }
        ));
        assert!(matches!(
            e(36009004, "timestamp is too old"),
            ShopApiError::Rejected { code: 36009004, .. }
        ));
        assert!(matches!(
            e(105005, "apply auth pkg"),
            ShopApiError::MissingPermission { code: 105005 }
        ));
        assert!(matches!(
            e(12052180, "cap"),
            ShopApiError::ResultCapExceeded
        ));
        assert!(matches!(
            e(36009002, "Too many"),
            ShopApiError::RateLimited { .. }
        ));
        assert!(matches!(
            e(36009003, "internal"),
            ShopApiError::Unavailable(_)
        ));
        assert!(matches!(
            e(36009007, "timeout"),
            ShopApiError::Unavailable(_)
        ));
        match e(
            106001,
            "Invalid credentials. The 'sign' query parameter is invalid.",
        ) {
            ShopApiError::Rejected { code, request_id } => {
                assert_eq!((code, request_id.as_str()), (106001, "rq"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn error_codes_win_over_http_status_and_data_shape() {
        // 106001 arrives with HTTP 401 and an empty object as data.
        let body = r#"{"code":106001,"message":"bad sign","request_id":"r","data":{}}"#;
        assert!(matches!(
            read::<Vec<u8>>("t", 401, None, body.as_bytes()),
            Err(ShopApiError::Rejected { code: 106001, .. })
        ));
    }

    #[test]
    fn bodies_that_are_not_envelopes_fall_back_to_the_status() {
        assert!(matches!(
            err(429, "slow down"),
            ShopApiError::RateLimited { .. }
        ));
        assert!(matches!(err(503, "<html>"), ShopApiError::Unavailable(_)));
        assert!(matches!(
            err(200, "<html>"),
            ShopApiError::InvalidResponse(_)
        ));
    }
}

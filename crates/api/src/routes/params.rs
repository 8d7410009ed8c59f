//! Turning raw path and query values into domain values, with the contract's 400 answers. No arithmetic on
//! request input here may panic: numbers are parsed into bounded types, instants are range-checked before
//! anything computes with them.

use chrono::{DateTime, NaiveDate, Utc};
use tiktok_domain::{AuthorizationCode, OAuthState, UserId};

use crate::error::ApiError;

/// The earliest year a history window may name (as written, before conversion to UTC).
pub const FIRST_YEAR: i32 = 1970;
/// The latest year a history window may name: RFC 3339 has four-digit years.
pub const LAST_YEAR: i32 = 9999;

/// The `user_id` rule of the contract.
pub fn user_id(raw: Option<&str>) -> Result<UserId, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::invalid_request("user_id is required"))?;
    UserId::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))
}

/// A state sent back on the callback.
pub fn state(raw: Option<&str>) -> Result<OAuthState, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::invalid_request("state is required"))?;
    OAuthState::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))
}

/// An authorization code, already URL-decoded once by the query parser.
pub fn code(raw: &str) -> Result<AuthorizationCode, ApiError> {
    AuthorizationCode::parse(raw).map_err(|e| ApiError::invalid_request(e.to_string()))
}

/// TikTok's `error` on a declined callback: short, printable, or it is replaced by a neutral word.
pub fn tiktok_error(raw: &str) -> String {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        raw.to_owned()
    } else {
        "unknown_error".to_owned()
    }
}

/// A page size: a positive integer that fits in 32 bits (the use case caps it further).
pub fn limit(raw: Option<&str>, default: u32) -> Result<u32, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw.parse::<u32>().ok().filter(|l| *l > 0).ok_or_else(|| {
            ApiError::invalid_request("limit must be an integer from 1 to 4294967295")
        }),
    }
}

/// `purge`: `true`, or `false`/absent.
pub fn purge(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid_request("purge must be true or false")),
    }
}

/// An instant of a history window: RFC 3339 with any offset, or a date `YYYY-MM-DD` taken as its UTC
/// midnight, with a four-digit year from [`FIRST_YEAR`] to [`LAST_YEAR`] as written (anything else is 400
/// `invalid_request`, before any arithmetic). An offset that carries it past either end once converted to
/// UTC (`9999-12-31T23:59:59-23:59`) is clamped to that end, so every instant answered is RFC 3339.
pub fn instant(name: &str, raw: &str) -> Result<DateTime<Utc>, ApiError> {
    let bad = || {
        ApiError::invalid_request(format!(
            "{name} must be RFC 3339 (2026-11-25T10:00:00Z) or a date (2026-11-25), \
             in the years {FIRST_YEAR} to {LAST_YEAR}"
        ))
    };
    raw.get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        .ok_or_else(bad)?;
    let at = if raw.len() == 10 {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(bad)?
    } else {
        DateTime::parse_from_rfc3339(raw)
            .map_err(|_| bad())?
            .with_timezone(&Utc)
    };
    Ok(at.clamp(earliest(), latest()))
}

/// 1970-01-01T00:00:00Z.
fn earliest() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

/// 9999-12-31T23:59:59Z.
fn latest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> String {
        super::super::timestamps::rfc3339(instant("to", raw).expect(raw))
    }

    #[test]
    fn instants_in_range_are_read_and_offsets_past_the_ends_are_clamped() {
        assert_eq!(at("2026-11-25"), "2026-11-25T00:00:00Z");
        assert_eq!(at("2026-11-25T10:00:00+02:00"), "2026-11-25T08:00:00Z");
        assert_eq!(at("9999-12-31T23:59:59-23:59"), "9999-12-31T23:59:59Z");
        assert_eq!(at("1970-01-01T00:00:00+23:59"), "1970-01-01T00:00:00Z");
        assert_eq!(at("9999-12-31"), "9999-12-31T00:00:00Z");
    }

    #[test]
    fn instants_outside_the_years_or_forms_are_400() {
        for raw in [
            "-262143-01-01",
            "+262143-01-01",
            "10000-01-01",
            "1969-12-31",
            "0000-01-01T00:00:00Z",
            "+2026-11-25",
            "2026-1-25",
            "2026-11-25T10:00:00",
            "",
            "26",
            "2026-02-30",
            "é026-01-01",
        ] {
            let error = instant("to", raw).expect_err(raw);
            assert_eq!(error.code(), "invalid_request", "{raw}");
        }
    }

    #[test]
    fn limits_and_purge_are_checked_without_overflow() {
        assert_eq!(limit(None, 20).unwrap(), 20);
        assert_eq!(limit(Some("4294967295"), 20).unwrap(), u32::MAX);
        for raw in ["0", "-1", "4294967296", "99999999999999999999", "1.5", ""] {
            assert!(limit(Some(raw), 20).is_err(), "{raw}");
        }
        assert!(purge(Some("true")).unwrap());
        assert!(!purge(None).unwrap());
        assert!(purge(Some("TRUE")).is_err());
    }
}

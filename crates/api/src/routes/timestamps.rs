//! How the contract writes instants. Its own module so that every body module can use it without
//! importing `dto`, which itself imports those body modules.

use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 in UTC with a `Z`, as the contract asks.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

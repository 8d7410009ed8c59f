use std::fmt;

use chrono::{DateTime, Utc};

use crate::values::InvalidValue;

/// Crockford's base32 alphabet, as ULIDs spell it.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An event's id: `evt_` then a ULID (48-bit millisecond time, 80 random bits). Ids sort by the time the
/// event was created (to the millisecond), so that consumers can store them in an ordered index; the feed
/// pages by the outbox's own sequence, which is strict.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(String);

impl EventId {
    /// The prefix every event id carries (Standard Webhooks' `webhook-id` is this id).
    pub const PREFIX: &'static str = "evt_";

    /// A new id for an event created at `at`.
    pub fn generate(at: DateTime<Utc>) -> Self {
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0) & ((1 << 48) - 1);
        let random: u128 = rand::random::<u128>() & ((1u128 << 80) - 1);
        let value: u128 = (u128::from(millis) << 80) | random;
        let mut out = String::with_capacity(Self::PREFIX.len() + 26);
        out.push_str(Self::PREFIX);
        for i in (0..26).rev() {
            let digit = ((value >> (i * 5)) & 0x1f) as usize;
            out.push(char::from(ALPHABET[digit]));
        }
        Self(out)
    }

    /// Checks an id from outside (a path parameter, a stored row): `evt_` and 26 base32 characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ulid = raw
            .strip_prefix(Self::PREFIX)
            .ok_or_else(|| InvalidValue::new("id", "must start with evt_"))?;
        if ulid.len() != 26 || !ulid.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(InvalidValue::new(
                "id",
                "must be evt_ followed by a 26-character ULID",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The id as sent in `webhook-id` and the envelope's `id`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

//! The JSON Schemas checked in under docs/events/ describe what the domain really produces: an envelope of
//! each type (every variant of its data) validates against its schema, and a wrong one does not. The
//! validator below covers the keywords those schemas use (type, const, enum, required,
//! additionalProperties, properties, items, minLength/maxLength, pattern as the evt_ id rule, date-time).
#![cfg(test)]

use chrono::{TimeZone, Utc};
use serde_json::Value;
use tiktok_domain::events::{AccountCounts, DisconnectCause, Event, EventData, EventId, EventType};
use tiktok_domain::{DisconnectReason, ReauthReason, UserId};

fn schema(event_type: EventType) -> Value {
    let path = format!(
        "{}/../../docs/events/{}.schema.json",
        env!("CARGO_MANIFEST_DIR"),
        event_type.as_str()
    );
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn validate(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("{at}: {why}"));
    if let Some(constant) = schema.get("const") {
        if value != constant {
            return fail("const");
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return fail("enum");
        }
    }
    if let Some(kind) = schema.get("type") {
        let kinds: Vec<&str> = match kind {
            Value::String(k) => vec![k.as_str()],
            Value::Array(ks) => ks.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = kinds.iter().any(|k| match *k {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "null" => value.is_null(),
            _ => false,
        });
        if !ok {
            return fail("type");
        }
    }
    if let Some(text) = value.as_str() {
        let len = text.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| len < m)
            || schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
        {
            return fail("length");
        }
        if schema.get("format").and_then(Value::as_str) == Some("date-time")
            && chrono::DateTime::parse_from_rfc3339(text).is_err()
        {
            return fail("date-time");
        }
        if schema.get("pattern").is_some() && EventId::parse(text).is_err() {
            return fail("pattern (evt_ id)");
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !object.contains_key(name.as_str().unwrap()) {
                return fail(&format!("missing {name}"));
            }
        }
        for (name, item) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => validate(sub, item, &format!("{at}.{name}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return fail(&format!("unexpected {name}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            validate(items, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

fn every_kind_of_data() -> Vec<EventData> {
    let t = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
    let counts = AccountCounts {
        follower_count: 5,
        following_count: 1,
        like_count: 9,
        video_count: 2,
    };
    let mut all = vec![
        EventData::Connected {
            scopes: vec!["user.info.basic".into(), "video.list".into()],
        },
        EventData::Disconnected {
            reason: DisconnectCause::UserRequest,
        },
        EventData::Disconnected {
            reason: DisconnectCause::Purged,
        },
        EventData::ReauthDue { reauth_due_at: t },
        EventData::Synced {
            counts,
            previous: None,
            synced_at: t,
        },
        EventData::Synced {
            counts,
            previous: Some(AccountCounts::default()),
            synced_at: t,
        },
    ];
    all.extend(
        [
            DisconnectReason::Unknown,
            DisconnectReason::UserDisconnected,
            DisconnectReason::AccountDeleted,
            DisconnectReason::AgeChanged,
            DisconnectReason::AccountBanned,
            DisconnectReason::DeveloperRevoked,
            DisconnectReason::Requested,
        ]
        .into_iter()
        .map(|reason| EventData::Disconnected {
            reason: DisconnectCause::TikTok(reason),
        }),
    );
    all.extend(
        [
            ReauthReason::RefreshTokenExpired,
            ReauthReason::AccessRevoked,
            ReauthReason::ScopeWithdrawn,
            ReauthReason::Unknown,
        ]
        .map(|reason| EventData::ReauthRequired { reason }),
    );
    all
}

#[test]
fn every_produced_envelope_validates_against_its_types_schema() {
    let t = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
    for data in every_kind_of_data() {
        let event = Event::new(UserId::parse("u-1").unwrap(), t, data);
        let envelope: Value = serde_json::from_str(&event.envelope_json()).unwrap();
        validate(&schema(event.event_type()), &envelope, "$")
            .unwrap_or_else(|why| panic!("{}: {why}\n{envelope}", event.event_type().as_str()));
    }
}

#[test]
fn the_schemas_refuse_a_wrong_envelope() {
    let t = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
    let event = Event::new(
        UserId::parse("u-1").unwrap(),
        t,
        EventData::Disconnected {
            reason: DisconnectCause::UserRequest,
        },
    );
    let good: Value = serde_json::from_str(&event.envelope_json()).unwrap();
    let schema = schema(EventType::Disconnected);
    let mut wrong_reason = good.clone();
    wrong_reason["data"]["reason"] = "bored".into();
    let mut extra = good.clone();
    extra["data"]["token"] = "secret".into();
    let mut other_type = good.clone();
    other_type["type"] = "tiktok.account.connected".into();
    let mut bad_id = good;
    bad_id["id"] = "msg_1".into();
    for wrong in [wrong_reason, extra, other_type, bad_id] {
        assert!(validate(&schema, &wrong, "$").is_err(), "{wrong}");
    }
}

//! The dispatcher against mockall mocks of the outbox and the delivery port, and the model's wire form.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use mockall::predicate::{always, eq};
use serde_json::json;
use tokio::sync::Notify;

use super::*;
use crate::account::ReauthReason;
use crate::ports::MockClock;
use crate::values::UserId;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap()
}

fn clock_at(at: DateTime<Utc>) -> Arc<MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(at);
    Arc::new(clock)
}

fn delivery(id: i64, endpoint: &str, attempts: u32, created_at: DateTime<Utc>) -> ClaimedDelivery {
    let event = Event::new(
        UserId::parse("u1").unwrap(),
        created_at,
        EventData::ReauthRequired {
            reason: ReauthReason::AccessRevoked,
        },
    );
    ClaimedDelivery {
        delivery_id: id,
        endpoint_id: endpoint.to_owned(),
        event_id: event.id.clone(),
        user_id: event.user_id.clone(),
        body: event.envelope_json(),
        attempts,
        created_at,
    }
}

fn config() -> DispatchConfig {
    DispatchConfig {
        max_in_flight: 4,
        per_endpoint: 1,
        ..DispatchConfig::default()
    }
}

fn outbox_claiming(batch: Vec<ClaimedDelivery>) -> MockEventOutbox {
    let mut outbox = MockEventOutbox::new();
    outbox
        .expect_claim_due()
        .withf(|replica, _, _, _, _| replica == "r1")
        .times(1)
        .return_once(move |_, _, _, _, _| Ok(batch));
    outbox
}

fn delivery_answering(outcome: DeliveryOutcome) -> Arc<MockEventDelivery> {
    let mut delivery = MockEventDelivery::new();
    delivery.expect_send().times(1).return_const(outcome);
    Arc::new(delivery)
}

#[tokio::test]
async fn a_2xx_marks_the_delivery_delivered_by_its_claimant() {
    let mut outbox = outbox_claiming(vec![delivery(7, "a", 0, t0())]);
    outbox
        .expect_mark_delivered()
        .with(eq(7), eq("r1"), eq(t0()))
        .times(1)
        .returning(|_, _, _| Ok(()));
    let dispatcher = Dispatcher::new(
        Arc::new(outbox),
        delivery_answering(DeliveryOutcome::Delivered),
        clock_at(t0()),
        "r1",
        config(),
    );
    assert_eq!(dispatcher.tick().await.unwrap(), 1);
    dispatcher.drain().await;
}

#[tokio::test]
async fn a_410_disables_the_endpoint_and_fails_the_delivery() {
    let mut outbox = outbox_claiming(vec![delivery(7, "a", 0, t0())]);
    outbox
        .expect_disable_endpoint()
        .with(eq("a"), eq(t0()))
        .times(1)
        .returning(|_, _| Ok(()));
    outbox
        .expect_mark_failed()
        .with(eq(7), eq("r1"), eq(t0()), eq("410 gone"))
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let dispatcher = Dispatcher::new(
        Arc::new(outbox),
        delivery_answering(DeliveryOutcome::Gone),
        clock_at(t0()),
        "r1",
        config(),
    );
    dispatcher.tick().await.unwrap();
    dispatcher.drain().await;
}

#[tokio::test]
async fn another_answer_schedules_a_retry_within_the_jittered_backoff() {
    let created = t0();
    let now = t0() + chrono::TimeDelta::minutes(10);
    let mut outbox = outbox_claiming(vec![delivery(7, "a", 3, created)]);
    // Fourth failure: 30 s × 2³ = 240 s, jittered into [120 s, 240 s].
    outbox
        .expect_schedule_retry()
        .withf(move |id, replica, next, error| {
            *id == 7
                && replica == "r1"
                && *next >= now + chrono::TimeDelta::seconds(120)
                && *next <= now + chrono::TimeDelta::seconds(240)
                && error == "status 503"
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let dispatcher = Dispatcher::new(
        Arc::new(outbox),
        delivery_answering(DeliveryOutcome::Retry("status 503".into())),
        clock_at(now),
        "r1",
        config(),
    );
    dispatcher.tick().await.unwrap();
    dispatcher.drain().await;
}

#[tokio::test]
async fn a_failure_past_the_retry_window_marks_the_delivery_failed() {
    let created = t0();
    let now = t0() + chrono::TimeDelta::hours(24);
    let mut outbox = outbox_claiming(vec![delivery(7, "a", 19, created)]);
    outbox.expect_schedule_retry().never();
    outbox
        .expect_mark_failed()
        .with(eq(7), eq("r1"), eq(now), eq("timeout"))
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let dispatcher = Dispatcher::new(
        Arc::new(outbox),
        delivery_answering(DeliveryOutcome::Retry("timeout".into())),
        clock_at(now),
        "r1",
        config(),
    );
    dispatcher.tick().await.unwrap();
    dispatcher.drain().await;
}

/// A receiver that never answers until released: its endpoint is skipped by later claims (its share is
/// taken) while another endpoint's deliveries go through.
#[tokio::test]
async fn a_slow_receiver_does_not_hold_up_other_endpoints() {
    let release = Arc::new(Notify::new());
    let delivered_fast = Arc::new(Notify::new());
    let mut outbox = MockEventOutbox::new();
    let mut seq = mockall::Sequence::new();
    outbox
        .expect_claim_due()
        .withf(|_, _, _, limit, skip| *limit == 4 && skip.is_empty())
        .times(1)
        .in_sequence(&mut seq)
        .return_once(|_, _, _, _, _| Ok(vec![delivery(1, "slow", 0, t0())]));
    outbox
        .expect_claim_due()
        .withf(|_, _, _, limit, skip| *limit == 3 && skip == ["slow".to_owned()])
        .times(1)
        .in_sequence(&mut seq)
        .return_once(|_, _, _, _, _| Ok(vec![delivery(2, "fast", 0, t0())]));
    let signal = Arc::clone(&delivered_fast);
    outbox
        .expect_mark_delivered()
        .with(eq(2), eq("r1"), always())
        .times(1)
        .returning(move |_, _, _| {
            signal.notify_one();
            Ok(())
        });
    outbox
        .expect_mark_delivered()
        .with(eq(1), eq("r1"), always())
        .times(1)
        .returning(|_, _, _| Ok(()));

    struct Receivers {
        release: Arc<Notify>,
    }
    #[async_trait::async_trait]
    impl EventDelivery for Receivers {
        async fn send(&self, endpoint: &str, _: &EventId, _: &str) -> DeliveryOutcome {
            if endpoint == "slow" {
                self.release.notified().await;
            }
            DeliveryOutcome::Delivered
        }
    }

    let dispatcher = Dispatcher::new(
        Arc::new(outbox),
        Arc::new(Receivers {
            release: Arc::clone(&release),
        }),
        clock_at(t0()),
        "r1",
        config(),
    );
    assert_eq!(dispatcher.tick().await.unwrap(), 1);
    assert_eq!(dispatcher.tick().await.unwrap(), 1);
    delivered_fast.notified().await;
    release.notify_one();
    dispatcher.drain().await;
}

/// An in-memory outbox of one delivery, for the run loop under paused time.
/// (due at, failures so far, failed for good, the times of each attempt).
type OneState = (Option<DateTime<Utc>>, u32, bool, Vec<DateTime<Utc>>);

struct OneDelivery {
    state: Mutex<OneState>,
    created_at: DateTime<Utc>,
    clock: Arc<TokioClock>,
}

struct TokioClock {
    origin: tokio::time::Instant,
    at: DateTime<Utc>,
}

impl crate::ports::Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        self.at + chrono::TimeDelta::from_std(self.origin.elapsed()).unwrap()
    }
}

#[async_trait::async_trait]
impl EventOutbox for OneDelivery {
    async fn claim_due(
        &self,
        _: &str,
        now: DateTime<Utc>,
        _: DateTime<Utc>,
        _: u32,
        _: &[String],
    ) -> Result<Vec<ClaimedDelivery>, OutboxError> {
        let mut state = self.state.lock().unwrap();
        match state.0 {
            Some(due) if due <= now => {
                state.0 = None;
                state.3.push(now);
                Ok(vec![delivery(1, "a", state.1, self.created_at)])
            }
            _ => Ok(vec![]),
        }
    }
    async fn mark_delivered(&self, _: i64, _: &str, _: DateTime<Utc>) -> Result<(), OutboxError> {
        unreachable!("the receiver never answers 2xx here")
    }
    async fn schedule_retry(
        &self,
        _: i64,
        _: &str,
        next: DateTime<Utc>,
        _: &str,
    ) -> Result<(), OutboxError> {
        let mut state = self.state.lock().unwrap();
        state.0 = Some(next);
        state.1 += 1;
        Ok(())
    }
    async fn mark_failed(
        &self,
        _: i64,
        _: &str,
        _: DateTime<Utc>,
        _: &str,
    ) -> Result<(), OutboxError> {
        self.state.lock().unwrap().2 = true;
        Ok(())
    }
    async fn disable_endpoint(&self, _: &str, _: DateTime<Utc>) -> Result<(), OutboxError> {
        unreachable!()
    }
    async fn feed(
        &self,
        _: Option<i64>,
        _: u32,
        _: Option<EventType>,
    ) -> Result<FeedPage, OutboxError> {
        unreachable!()
    }
    async fn redeliver(&self, _: &EventId, _: DateTime<Utc>) -> Result<bool, OutboxError> {
        unreachable!()
    }
    async fn purge_before(&self, _: DateTime<Utc>) -> Result<u64, OutboxError> {
        unreachable!()
    }
}

/// A receiver that always answers 503, driven by the run loop with tokio's clock paused: attempts follow
/// the doubling backoff (each gap within its jitter bounds), and after about a day the delivery fails.
#[tokio::test(start_paused = true)]
async fn the_retry_schedule_doubles_with_jitter_for_a_day_then_fails() {
    let clock = Arc::new(TokioClock {
        origin: tokio::time::Instant::now(),
        at: t0(),
    });
    let outbox = Arc::new(OneDelivery {
        state: Mutex::new((Some(t0()), 0, false, vec![])),
        created_at: t0(),
        clock: Arc::clone(&clock),
    });
    let mut receiver = MockEventDelivery::new();
    receiver
        .expect_send()
        .returning(|_, _, _| DeliveryOutcome::Retry("status 503".into()));
    let policy = RetryPolicy::default();
    let dispatcher = Dispatcher::new(
        Arc::clone(&outbox) as Arc<dyn EventOutbox>,
        Arc::new(receiver),
        Arc::clone(&clock) as Arc<dyn crate::ports::Clock>,
        "r1",
        DispatchConfig {
            poll_interval: Duration::from_secs(1),
            ..config()
        },
    );
    let watched = Arc::clone(&outbox);
    let done = async move {
        while !watched.state.lock().unwrap().2 {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    };
    dispatcher.run(done).await;

    let (_, failures, failed, attempts) = outbox.state.lock().unwrap().clone();
    assert!(failed, "the delivery is marked failed after the window");
    assert_eq!(attempts.len() as u32, failures + 1);
    for (n, pair) in attempts.windows(2).enumerate() {
        let gap = (pair[1] - pair[0]).to_std().unwrap();
        let base = policy.base_delay(n as u32 + 1);
        // The poll interval adds up to a second to each gap.
        assert!(
            gap >= base / 2 && gap <= base + Duration::from_secs(1),
            "gap {n}: {gap:?} outside [{:?}, {:?}]",
            base / 2,
            base
        );
    }
    let last = *attempts.last().unwrap();
    assert!(last <= t0() + chrono::TimeDelta::hours(24));
    assert!(
        last >= t0() + chrono::TimeDelta::hours(20),
        "retried for about a day, last attempt {last}"
    );
    assert!(attempts.len() >= 12, "{} attempts", attempts.len());
    let _ = &outbox.clock;
}

#[test]
fn event_ids_are_evt_ulids_ordered_by_time_and_parse_back() {
    let earlier = EventId::generate(t0());
    let later = EventId::generate(t0() + chrono::TimeDelta::milliseconds(1));
    assert!(earlier < later);
    assert_eq!(earlier.as_str().len(), 30);
    assert_eq!(EventId::parse(earlier.as_str()).unwrap(), earlier);
    assert!(EventId::parse("evt_short").is_err());
    assert!(EventId::parse("xyz_01ARZ3NDEKTSV4RRFFQ69G5FAV").is_err());
    assert!(
        EventId::parse("evt_01ARZ3NDEKTSV4RRFFQ69G5FAU").is_err(),
        "U is not Crockford base32"
    );
}

#[test]
fn event_types_round_trip_their_wire_names() {
    for t in EventType::ALL {
        assert_eq!(EventType::parse(t.as_str()), Some(t));
    }
    assert_eq!(EventType::parse("tiktok.account.unknown"), None);
}

#[test]
fn the_envelope_carries_id_type_user_time_and_data() {
    let event = Event::new(
        UserId::parse("u-42").unwrap(),
        t0(),
        EventData::Synced {
            counts: AccountCounts {
                follower_count: 12,
                following_count: 3,
                like_count: 40,
                video_count: 5,
            },
            previous: Some(AccountCounts {
                follower_count: 10,
                following_count: 3,
                like_count: 41,
                video_count: 4,
            }),
            synced_at: t0(),
        },
    );
    let envelope: serde_json::Value = serde_json::from_str(&event.envelope_json()).unwrap();
    assert_eq!(
        envelope,
        json!({
            "id": event.id.as_str(),
            "type": "tiktok.account.synced",
            "user_id": "u-42",
            "occurred_at": "2026-12-04T12:00:00.000Z",
            "data": {
                "follower_count": 12, "following_count": 3, "like_count": 40, "video_count": 5,
                "synced_at": "2026-12-04T12:00:00.000Z",
                "changes": {"follower_count": 2, "following_count": 0, "like_count": -1, "video_count": 1}
            }
        })
    );
    let first = EventData::Synced {
        counts: AccountCounts::default(),
        previous: None,
        synced_at: t0(),
    };
    assert_eq!(first.to_json()["changes"], serde_json::Value::Null);
    assert_eq!(
        EventData::Disconnected {
            reason: DisconnectCause::TikTok(crate::account::DisconnectReason::AccountBanned)
        }
        .to_json(),
        json!({"reason": "account_banned"})
    );
}

#[test]
fn backoff_doubles_from_thirty_seconds_up_to_two_hours() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.base_delay(1), Duration::from_secs(30));
    assert_eq!(policy.base_delay(2), Duration::from_secs(60));
    assert_eq!(policy.base_delay(9), Duration::from_secs(7200));
    assert_eq!(policy.base_delay(40), Duration::from_secs(7200));
    assert_eq!(policy.delay(1, 0.0), Duration::from_secs(15));
    assert_eq!(policy.delay(1, 1.0), Duration::from_secs(30));
    assert_eq!(
        policy.next_attempt(t0(), t0() + chrono::TimeDelta::hours(24), 1, 0.0),
        None
    );
}

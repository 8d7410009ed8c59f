//! The events outbox on SQLite and PostgreSQL: exclusive claims under concurrent replicas, leases that
//! expire, a user's events in order at each endpoint, 410-disabled endpoints, keyset feed paging with a
//! type filter, replay, and the retention purge.
#![cfg(test)]

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{at, user};
use tiktok_adapters_db::{Database, DieselEventOutbox, EndpointSubscription};
use tiktok_domain::events::{
    ClaimedDelivery, DisconnectCause, Event, EventData, EventId, EventOutbox, EventType,
};
use tiktok_domain::ReauthReason;

on_both_backends!(
    of_two_replicas_claiming_at_once_each_delivery_goes_to_one,
    a_claim_holds_until_its_lease_expires_and_only_its_holder_records_the_outcome,
    a_users_later_event_waits_for_the_earlier_one_at_the_same_endpoint,
    an_endpoint_that_answered_410_gets_no_more_deliveries,
    endpoints_receive_only_the_types_they_subscribe_to,
    the_feed_pages_by_keyset_oldest_first_and_filters_by_type,
    a_replay_makes_a_finished_event_due_again_and_an_unknown_one_is_not_found,
    the_retention_purge_removes_old_events_and_their_deliveries_only,
);

fn event(user_id: &str, when: DateTime<Utc>, data: EventData) -> Event {
    Event::new(user(user_id), when, data)
}

fn disconnected(user_id: &str, when: DateTime<Utc>) -> Event {
    event(
        user_id,
        when,
        EventData::Disconnected {
            reason: DisconnectCause::UserRequest,
        },
    )
}

fn reauth(user_id: &str, when: DateTime<Utc>) -> Event {
    event(
        user_id,
        when,
        EventData::ReauthRequired {
            reason: ReauthReason::AccessRevoked,
        },
    )
}

async fn outbox_with(db: &Database, ids: &[&str]) -> DieselEventOutbox {
    let outbox = DieselEventOutbox::new(db.clone());
    outbox
        .configure_endpoints(
            ids.iter()
                .map(|id| EndpointSubscription {
                    id: (*id).to_owned(),
                    types: None,
                })
                .collect(),
            at(0, 0),
        )
        .await
        .expect("endpoints");
    outbox
}

async fn claim(
    outbox: &DieselEventOutbox,
    replica: &str,
    now: DateTime<Utc>,
) -> Vec<ClaimedDelivery> {
    outbox
        .claim_due(replica, now, now + TimeDelta::seconds(60), 100, &[])
        .await
        .expect("claim")
}

async fn of_two_replicas_claiming_at_once_each_delivery_goes_to_one(db: Database) {
    let outbox = outbox_with(&db, &["a", "b"]).await;
    for i in 0..20 {
        outbox
            .append(&disconnected(&format!("user-{i}"), at(1, 0)))
            .await
            .expect("append");
    }
    let contenders: Vec<_> = ["r1", "r2"]
        .into_iter()
        .map(|replica| {
            let outbox = DieselEventOutbox::new(db.clone());
            tokio::spawn(async move { claim(&outbox, replica, at(2, 0)).await })
        })
        .collect();
    let mut ids = Vec::new();
    for contender in contenders {
        ids.extend(
            contender
                .await
                .expect("task")
                .into_iter()
                .map(|d| d.delivery_id),
        );
    }
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "a delivery was claimed twice");
    assert_eq!(claimed, 40, "20 events × 2 endpoints");
}

async fn a_claim_holds_until_its_lease_expires_and_only_its_holder_records_the_outcome(
    db: Database,
) {
    let outbox = outbox_with(&db, &["a"]).await;
    let e = disconnected("user-1", at(1, 0));
    outbox.append(&e).await.expect("append");
    let first = claim(&outbox, "r1", at(2, 0)).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].event_id, e.id);
    assert_eq!(first[0].attempts, 0);
    assert!(
        claim(&outbox, "r2", at(61, 0)).await.is_empty(),
        "leased until 62 s"
    );
    let second = claim(&outbox, "r2", at(62, 0)).await;
    assert_eq!(second.len(), 1, "the lease expired");
    // r1 lost the lease: its outcome changes nothing.
    outbox
        .mark_delivered(first[0].delivery_id, "r1", at(63, 0))
        .await
        .expect("mark");
    assert_eq!(outbox.delivery_states(&e.id).await.unwrap()[0].1, "pending");
    outbox
        .schedule_retry(second[0].delivery_id, "r2", at(100, 0), "status 503")
        .await
        .expect("retry");
    assert!(
        claim(&outbox, "r1", at(99, 0)).await.is_empty(),
        "not due before 100 s"
    );
    let third = claim(&outbox, "r1", at(100, 0)).await;
    assert_eq!(third[0].attempts, 1);
    outbox
        .mark_delivered(third[0].delivery_id, "r1", at(101, 0))
        .await
        .expect("mark");
    assert_eq!(
        outbox.delivery_states(&e.id).await.unwrap()[0].1,
        "delivered"
    );
    assert!(claim(&outbox, "r1", at(200, 0)).await.is_empty());
}

async fn a_users_later_event_waits_for_the_earlier_one_at_the_same_endpoint(db: Database) {
    let outbox = outbox_with(&db, &["a"]).await;
    let first = reauth("user-1", at(1, 0));
    let second = disconnected("user-1", at(2, 0));
    let other = disconnected("user-2", at(3, 0));
    for e in [&first, &second, &other] {
        outbox.append(e).await.expect("append");
    }
    let claimed = claim(&outbox, "r1", at(10, 0)).await;
    let ids: Vec<&EventId> = claimed.iter().map(|d| &d.event_id).collect();
    assert_eq!(ids, [&first.id, &other.id], "user-1's second event waits");
    outbox
        .mark_delivered(claimed[1].delivery_id, "r1", at(11, 0))
        .await
        .expect("mark");

    // A retry keeps the order: the later event is still blocked while the first is pending.
    outbox
        .schedule_retry(claimed[0].delivery_id, "r1", at(100, 0), "timeout")
        .await
        .expect("retry");
    assert!(claim(&outbox, "r1", at(50, 0)).await.is_empty());
    let again = claim(&outbox, "r1", at(100, 0)).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_id, first.id);
    outbox
        .mark_failed(again[0].delivery_id, "r1", at(101, 0), "gave up")
        .await
        .expect("fail");
    let next = claim(&outbox, "r1", at(102, 0)).await;
    assert_eq!(next.len(), 1);
    assert_eq!(
        next[0].event_id, second.id,
        "a failed delivery lets the next one go"
    );
}

async fn an_endpoint_that_answered_410_gets_no_more_deliveries(db: Database) {
    let outbox = outbox_with(&db, &["a", "b"]).await;
    outbox
        .append(&disconnected("user-1", at(1, 0)))
        .await
        .expect("append");
    outbox
        .disable_endpoint("a", at(2, 0))
        .await
        .expect("disable");
    assert!(outbox.endpoint_disabled("a").await.unwrap());
    assert!(!outbox.endpoint_disabled("b").await.unwrap());
    let claimed = claim(&outbox, "r1", at(3, 0)).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].endpoint_id, "b");
    let later = disconnected("user-2", at(4, 0));
    outbox.append(&later).await.expect("append");
    let states = outbox.delivery_states(&later.id).await.unwrap();
    assert_eq!(states, [("b".to_owned(), "pending".to_owned())]);
    // Configuration again at start-up keeps it disabled.
    let _ = outbox_with(&db, &["a", "b"]).await;
    assert!(outbox.endpoint_disabled("a").await.unwrap());
}

async fn endpoints_receive_only_the_types_they_subscribe_to(db: Database) {
    let outbox = DieselEventOutbox::new(db.clone());
    outbox
        .configure_endpoints(
            vec![
                EndpointSubscription {
                    id: "all".into(),
                    types: None,
                },
                EndpointSubscription {
                    id: "reauth".into(),
                    types: Some(vec![EventType::ReauthRequired, EventType::ReauthDue]),
                },
                EndpointSubscription {
                    id: "gone".into(),
                    types: None,
                },
            ],
            at(0, 0),
        )
        .await
        .unwrap();
    // "gone" is no longer configured: disabled.
    let outbox = outbox_with(&db, &["all", "reauth"]).await;
    outbox
        .configure_endpoints(
            vec![
                EndpointSubscription {
                    id: "all".into(),
                    types: None,
                },
                EndpointSubscription {
                    id: "reauth".into(),
                    types: Some(vec![EventType::ReauthRequired, EventType::ReauthDue]),
                },
            ],
            at(0, 0),
        )
        .await
        .unwrap();
    let r = reauth("user-1", at(1, 0));
    let d = disconnected("user-1", at(2, 0));
    outbox.append(&r).await.unwrap();
    outbox.append(&d).await.unwrap();
    let names = |v: Vec<(String, String)>| v.into_iter().map(|(e, _)| e).collect::<Vec<_>>();
    assert_eq!(
        names(outbox.delivery_states(&r.id).await.unwrap()),
        ["all", "reauth"]
    );
    assert_eq!(names(outbox.delivery_states(&d.id).await.unwrap()), ["all"]);
    assert!(outbox.endpoint_disabled("gone").await.unwrap());
}

async fn the_feed_pages_by_keyset_oldest_first_and_filters_by_type(db: Database) {
    let outbox = outbox_with(&db, &[]).await;
    let mut appended = Vec::new();
    for i in 0..5 {
        let e = if i % 2 == 0 {
            disconnected(&format!("user-{i}"), at(i, 0))
        } else {
            reauth(&format!("user-{i}"), at(i, 0))
        };
        outbox.append(&e).await.expect("append");
        appended.push(e);
    }
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = outbox.feed(after, 2, None).await.expect("feed");
        pages += 1;
        seen.extend(page.events.iter().map(|e| e.id.clone()));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        appended.iter().map(|e| e.id.clone()).collect::<Vec<_>>()
    );

    let reauths = outbox
        .feed(None, 10, Some(EventType::ReauthRequired))
        .await
        .expect("feed");
    assert_eq!(
        reauths.events.iter().map(|e| &e.id).collect::<Vec<_>>(),
        [&appended[1].id, &appended[3].id]
    );
    assert_eq!(reauths.next_after, None);
    let body: serde_json::Value = serde_json::from_str(&reauths.events[0].body).unwrap();
    assert_eq!(body["type"], "tiktok.account.reauth_required");
    assert_eq!(body["data"]["reason"], "access_revoked");

    let last = outbox.feed(None, 5, None).await.unwrap().events[4].seq;
    assert!(outbox
        .feed(Some(last), 5, None)
        .await
        .unwrap()
        .events
        .is_empty());
}

async fn a_replay_makes_a_finished_event_due_again_and_an_unknown_one_is_not_found(db: Database) {
    let outbox = outbox_with(&db, &["a"]).await;
    let e = disconnected("user-1", at(1, 0));
    outbox.append(&e).await.unwrap();
    let claimed = claim(&outbox, "r1", at(2, 0)).await;
    outbox
        .mark_delivered(claimed[0].delivery_id, "r1", at(3, 0))
        .await
        .unwrap();
    assert!(claim(&outbox, "r1", at(4, 0)).await.is_empty());
    assert!(outbox.redeliver(&e.id, at(5, 0)).await.unwrap());
    let again = claim(&outbox, "r1", at(5, 0)).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_id, e.id, "the same webhook-id");
    assert_eq!(again[0].attempts, 0);
    let unknown = EventId::generate(at(1, 0));
    assert!(!outbox.redeliver(&unknown, at(5, 0)).await.unwrap());
}

async fn the_retention_purge_removes_old_events_and_their_deliveries_only(db: Database) {
    let outbox = outbox_with(&db, &["a"]).await;
    let now = at(40 * 86_400, 0);
    let old = disconnected("user-1", now - TimeDelta::days(31));
    let kept = disconnected("user-1", now - TimeDelta::days(29));
    outbox.append(&old).await.unwrap();
    outbox.append(&kept).await.unwrap();
    let purged = outbox
        .purge_before(now - TimeDelta::days(30))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let left = outbox.feed(None, 10, None).await.unwrap();
    assert_eq!(
        left.events.iter().map(|e| &e.id).collect::<Vec<_>>(),
        [&kept.id]
    );
    assert!(outbox.delivery_states(&old.id).await.unwrap().is_empty());
    let claimed = claim(&outbox, "r1", now).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].event_id, kept.id);
}

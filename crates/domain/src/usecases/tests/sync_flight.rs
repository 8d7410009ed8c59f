//! One sync per account at a time: in this process a second request shares the running sync's result;
//! across replicas it waits for the sync lease and answers what the other sync stored. And the TikTok calls
//! a request made, for the callers' budgets.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use futures::future::join_all;

use super::support::*;
use crate::analytics::Analytics;
use crate::ports::{MockAccountSchedule, TikTokApiError};
use crate::usecases::{AccountService, ServiceError};

/// `n` syncs of user 42 by the creator, started together; with the TikTok calls each made.
async fn concurrent_syncs(service: &AccountService, n: usize) -> Vec<(bool, Option<String>, u32)> {
    let (caller, user_id) = (creator(), user());
    let syncs = (0..n).map(|_| service.syncs().sync_report_metered(&caller, &user_id));
    join_all(syncs)
        .await
        .into_iter()
        .map(|m| {
            let error = m.value.as_ref().err().map(ToString::to_string);
            (m.value.is_ok(), error, m.tiktok_calls)
        })
        .collect()
}

#[tokio::test]
async fn concurrent_syncs_in_one_process_make_one_sync_and_share_its_exact_error() {
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Err(TikTokApiError::Unavailable(boom())));
    let service = mocks.service();

    let answers = concurrent_syncs(&service, 5).await;

    for (ok, error, _) in &answers {
        assert!(!ok);
        assert_eq!(error.as_deref(), Some("TikTok is unavailable; retry later"));
    }
    let calls: Vec<u32> = answers.iter().map(|(_, _, calls)| *calls).collect();
    assert_eq!(
        calls.iter().sum::<u32>(),
        1,
        "one call, charged once: {calls:?}"
    );
    assert_eq!(service.syncs().flights.len(), 0, "no flight left behind");
}

#[tokio::test]
async fn a_sync_counts_every_tiktok_call_it_made_and_frees_its_lease() {
    let mut mocks = Mocks::default();
    mocks.config.content.max_video_pages_per_sync = 3;
    mocks.account_is(Some(connected_account().build()));
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Ok(user_info()));
    // Before the quiet expectations, which would answer a last page.
    mocks
        .data
        .expect_list_videos()
        .times(3)
        .returning(|_, cursor, _| {
            Ok(crate::ports::VideoPage {
                videos: Vec::new(),
                cursor: cursor.unwrap_or(100) - 1,
                has_more: true,
            })
        });
    mocks.profile_saves_onto(connected_account().build());
    let mut schedule = MockAccountSchedule::new();
    schedule
        .expect_try_acquire_sync_lease()
        .times(1)
        .returning(|_, _, _, _| Ok(true));
    schedule
        .expect_release_sync_lease()
        .times(1)
        .returning(|_, _| Ok(()));
    mocks.schedule = schedule;
    let service = mocks.service();

    let metered = service
        .syncs()
        .sync_report_metered(&creator(), &user())
        .await;

    assert!(metered.value.is_ok(), "{:?}", metered.value);
    assert_eq!(metered.tiktok_calls, 4, "the profile and three pages");
}

/// A schedule whose sync lease another replica holds for `polls` reads, then frees.
fn lease_held_elsewhere(polls: u32) -> MockAccountSchedule {
    let mut schedule = MockAccountSchedule::new();
    schedule
        .expect_try_acquire_sync_lease()
        .times(1)
        .returning(|_, _, _, _| Ok(false));
    let left = AtomicU32::new(polls);
    schedule
        .expect_sync_lease_held()
        .returning(move |_, _| Ok(left.fetch_sub(1, Ordering::SeqCst) > 0));
    schedule.expect_release_sync_lease().never();
    schedule
}

#[tokio::test(start_paused = true)]
async fn a_sync_running_on_another_replica_is_waited_for_and_its_stored_result_answered() {
    let mut mocks = Mocks {
        schedule: lease_held_elsewhere(3),
        ..Mocks::default()
    };
    let stored = Arc::new(connected_account().build());
    let kept = Analytics::default();
    mocks
        .accounts
        .expect_find_with_analytics()
        .times(1)
        .returning(move |_| Ok(Some(((*stored).clone(), Some(Analytics::default())))));
    let service = mocks.service();

    let metered = service
        .syncs()
        .sync_report_metered(&creator(), &user())
        .await;

    let report = metered.value.expect("the other replica's result");
    assert_eq!(report.analytics, kept);
    assert_eq!(metered.tiktok_calls, 0, "TikTok left alone");
}

#[tokio::test(start_paused = true)]
async fn a_sync_elsewhere_that_outlasts_the_wait_is_account_busy_without_calling_tiktok() {
    let mocks = Mocks {
        schedule: lease_held_elsewhere(u32::MAX),
        ..Mocks::default()
    };
    let service = mocks.service();

    let metered = service
        .syncs()
        .sync_report_metered(&creator(), &user())
        .await;

    assert_err!(metered.value, ServiceError::AccountBusy(_));
    assert_eq!(metered.tiktok_calls, 0);
}

#[tokio::test]
async fn a_lease_that_cannot_be_read_is_database_unavailable_without_calling_tiktok() {
    let mut mocks = Mocks::default();
    let mut schedule = MockAccountSchedule::new();
    schedule
        .expect_try_acquire_sync_lease()
        .returning(|_, _, _, _| Err(crate::ports::RepositoryError::Unavailable(boom())));
    mocks.schedule = schedule;
    let service = mocks.service();

    let metered = service
        .syncs()
        .sync_report_metered(&creator(), &user())
        .await;

    assert_err!(metered.value, ServiceError::DatabaseUnavailable(_));
}

//! Syncing videos after the profile: full and incremental listings, the page budget, failures, scopes,
//! and the history snapshot of each sync.

use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeZone, Utc};

use super::support::*;
use crate::account::TikTokAccount;
use crate::content::{
    AnalyticsData, ListingResume, ProfileCounts, UpsertReport, VideoSyncEnd, VideoSyncState,
    VideoTotals,
};
use crate::ports::{RepositoryError, TikTokApiError, Video, VideoPage};
use crate::usecases::ServiceError;
use crate::values::{Scope, Scopes};

/// A video posted `days_ago` days before [`now`].
fn video(id: u32, days_ago: i64) -> Video {
    Video {
        id: format!("73000000000000{id:05}"),
        create_time: Some((now() - Duration::days(days_ago)).timestamp()),
        view_count: Some(100),
        ..Video::default()
    }
}

/// A page of `count` videos `days_ago` old, whose cursor is `cursor`.
fn page(count: u32, days_ago: i64, cursor: i64, has_more: bool) -> VideoPage {
    VideoPage {
        videos: (0..count)
            .map(|i| video(cursor as u32 * 100 + i, days_ago))
            .collect(),
        cursor,
        has_more,
    }
}

/// The profile read and stored as in any sync; the video part is left to the test.
fn profile_syncs(mocks: &mut Mocks, account: TikTokAccount) {
    mocks.account_is(Some(account.clone()));
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Ok(user_info()));
    mocks
        .accounts
        .expect_save_profile()
        .withf(|_, g, _, _| g == &generation())
        .times(1)
        .returning(move |_, _, profile, at| {
            let mut account = account.clone();
            account.profile = profile.clone();
            account.last_sync_at = Some(at);
            Ok(account)
        });
    mocks
        .content
        .expect_record_profile_snapshot()
        .withf(|_, g, _| g == &generation())
        .returning(|_, _, _| Ok(()));
    mocks.analytics_kept_quietly();
}

/// TikTok answers these pages in order; returns the cursors it was asked for.
fn tiktok_lists(
    mocks: &mut Mocks,
    pages: Vec<Result<VideoPage, TikTokApiError>>,
) -> Captured<Option<i64>> {
    let asked = Captured::default();
    let sink = asked.clone();
    let calls = pages.len();
    let pages = Mutex::new(pages.into_iter());
    mocks
        .data
        .expect_list_videos()
        .withf(|token, _, max| token.expose() == OLD_ACCESS && *max == 20)
        .times(calls)
        .returning(move |_, cursor, _| {
            sink.push(cursor);
            pages.lock().unwrap().next().unwrap()
        });
    asked
}

/// Storage knows the sync state `state`, and answers every upsert with `reports` in order.
fn storage_has(mocks: &mut Mocks, state: VideoSyncState, reports: Vec<UpsertReport>) {
    mocks
        .content
        .expect_video_sync_state()
        .returning(move |_| Ok(state));
    let calls = reports.len();
    let reports = Mutex::new(reports.into_iter());
    mocks
        .content
        .expect_upsert_videos()
        .withf(|user_id, g, _, seen_at, bucket| {
            user_id == &user()
                && g == &generation()
                && *seen_at == now()
                && *bucket == Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
        })
        .times(calls)
        .returning(move |_, _, _, _, _| Ok(reports.lock().unwrap().next().unwrap()));
}

/// `finish_video_sync` is called once; returns what it was told.
fn sync_ends(mocks: &mut Mocks) -> Captured<VideoSyncEnd> {
    let ends = Captured::default();
    let sink = ends.clone();
    mocks
        .content
        .expect_finish_video_sync()
        .withf(|_, g, _| g == &generation())
        .times(1)
        .returning(move |_, _, end| {
            sink.push(*end);
            Ok(0)
        });
    ends
}

fn unchanged(n: u32) -> UpsertReport {
    UpsertReport {
        unchanged: n,
        ..UpsertReport::default()
    }
}

fn synced_recently() -> VideoSyncState {
    VideoSyncState {
        videos_synced_at: Some(now() - Duration::hours(1)),
        last_full_sync_at: Some(now() - Duration::hours(1)),
        resume: None,
    }
}

#[tokio::test]
async fn a_first_sync_lists_every_page_following_the_cursor_and_marks_unseen_videos_deleted() {
    // Arrange
    let mut mocks = Mocks::default();
    profile_syncs(&mut mocks, connected_account().build());
    storage_has(
        &mut mocks,
        VideoSyncState::default(),
        vec![unchanged(20); 3],
    );
    let asked = tiktok_lists(
        &mut mocks,
        vec![
            Ok(page(20, 400, 3, true)),
            Ok(page(20, 400, 2, true)),
            Ok(page(5, 400, 1, false)),
        ],
    );
    let ends = sync_ends(&mut mocks);

    // Act
    service_syncs(mocks).await;

    // Assert
    assert_eq!(asked.all(), vec![None, Some(3), Some(2)]);
    assert_eq!(ends.only().complete_listing_since, Some(now()));
}

#[tokio::test]
async fn a_later_sync_stops_after_a_page_of_old_unchanged_videos_and_marks_nothing_deleted() {
    let mut mocks = Mocks::default();
    profile_syncs(&mut mocks, connected_account().build());
    storage_has(&mut mocks, synced_recently(), vec![unchanged(20)]);
    let asked = tiktok_lists(&mut mocks, vec![Ok(page(20, 31, 3, true))]);
    let ends = sync_ends(&mut mocks);

    service_syncs(mocks).await;

    assert_eq!(asked.all(), vec![None]);
    assert_eq!(ends.only().complete_listing_since, None);
}

#[tokio::test]
async fn a_later_sync_goes_on_while_pages_hold_recent_new_or_changed_videos() {
    let mut mocks = Mocks::default();
    profile_syncs(&mut mocks, connected_account().build());
    let changed = UpsertReport {
        changed: 1,
        unchanged: 19,
        ..UpsertReport::default()
    };
    storage_has(
        &mut mocks,
        synced_recently(),
        vec![unchanged(20), changed, unchanged(20)],
    );
    let asked = tiktok_lists(
        &mut mocks,
        vec![
            Ok(page(20, 29, 3, true)),
            Ok(page(20, 40, 2, true)),
            Ok(page(20, 50, 1, true)),
        ],
    );
    sync_ends(&mut mocks);

    service_syncs(mocks).await;

    assert_eq!(
        asked.all(),
        vec![None, Some(3), Some(2)],
        "recent, then changed, then caught up"
    );
}

#[tokio::test]
async fn a_full_listing_is_due_again_after_full_video_sync_every() {
    let mut mocks = Mocks::default();
    profile_syncs(&mut mocks, connected_account().build());
    let state = VideoSyncState {
        last_full_sync_at: Some(now() - Duration::hours(24)),
        ..synced_recently()
    };
    storage_has(&mut mocks, state, vec![unchanged(20); 2]);
    let asked = tiktok_lists(
        &mut mocks,
        vec![Ok(page(20, 400, 2, true)), Ok(page(20, 400, 1, false))],
    );
    let ends = sync_ends(&mut mocks);

    service_syncs(mocks).await;

    assert_eq!(asked.all().len(), 2);
    assert_eq!(ends.only().complete_listing_since, Some(now()));
}

#[tokio::test]
async fn the_page_budget_ends_a_listing_without_marking_anything_deleted() {
    let mut mocks = Mocks::default();
    mocks.config.content.max_video_pages_per_sync = 2;
    profile_syncs(&mut mocks, connected_account().build());
    storage_has(
        &mut mocks,
        VideoSyncState::default(),
        vec![unchanged(20); 2],
    );
    tiktok_lists(
        &mut mocks,
        vec![Ok(page(20, 400, 2, true)), Ok(page(20, 400, 1, true))],
    );
    let ends = sync_ends(&mut mocks);

    service_syncs(mocks).await;

    let end = ends.only();
    assert_eq!(end.complete_listing_since, None);
    assert_eq!(
        end.resume,
        Some(ListingResume {
            cursor: 1,
            since: now()
        }),
        "the next sync continues after the last page listed"
    );
}

#[tokio::test]
async fn a_kept_listing_continues_from_its_cursor_and_deletes_only_what_it_did_not_see_since_it_began(
) {
    let began = now() - Duration::hours(3);
    let mut mocks = Mocks::default();
    mocks.config.content.max_video_pages_per_sync = 2;
    profile_syncs(&mut mocks, connected_account().build());
    let state = VideoSyncState {
        resume: Some(ListingResume {
            cursor: 7,
            since: began,
        }),
        ..synced_recently()
    };
    storage_has(&mut mocks, state, vec![unchanged(20); 2]);
    let asked = tiktok_lists(
        &mut mocks,
        vec![Ok(page(20, 400, 6, true)), Ok(page(3, 400, 5, false))],
    );
    let ends = sync_ends(&mut mocks);

    service_syncs(mocks).await;

    assert_eq!(
        asked.all(),
        vec![Some(7), Some(6)],
        "resumed, not restarted"
    );
    let end = ends.only();
    assert_eq!(end.complete_listing_since, Some(began));
    assert_eq!(end.resume, None, "the listing is done");
}

#[tokio::test]
async fn an_incremental_sync_cut_by_the_page_budget_keeps_no_listing() {
    let mut mocks = Mocks::default();
    mocks.config.content.max_video_pages_per_sync = 1;
    profile_syncs(&mut mocks, connected_account().build());
    storage_has(&mut mocks, synced_recently(), vec![unchanged(20)]);
    tiktok_lists(&mut mocks, vec![Ok(page(20, 1, 2, true))]);
    let ends = sync_ends(&mut mocks);

    service_syncs(mocks).await;

    assert_eq!(ends.only().resume, None);
}

#[tokio::test]
async fn a_failing_page_keeps_what_was_stored_and_the_profile_sync_still_succeeds() {
    let mut mocks = Mocks::default();
    profile_syncs(&mut mocks, connected_account().build());
    storage_has(&mut mocks, VideoSyncState::default(), vec![unchanged(20)]);
    tiktok_lists(
        &mut mocks,
        vec![
            Ok(page(20, 400, 2, true)),
            Err(TikTokApiError::Unavailable(boom())),
        ],
    );
    mocks.content.expect_finish_video_sync().never();

    service_syncs(mocks).await;
}

#[tokio::test]
async fn without_the_video_list_scope_no_video_is_asked_for_or_stored() {
    let mut mocks = Mocks::default();
    let mut account = connected_account().build();
    account.scopes = scopes().without(Scope::VIDEO_LIST);
    profile_syncs(&mut mocks, account);
    mocks.data.expect_list_videos().never();
    mocks.content.expect_video_sync_state().never();
    mocks.content.expect_upsert_videos().never();

    service_syncs(mocks).await;
}

#[tokio::test]
async fn a_video_scope_withdrawn_at_tiktok_is_recorded_and_the_profile_sync_succeeds() {
    let mut mocks = Mocks::default();
    profile_syncs(&mut mocks, connected_account().build());
    storage_has(&mut mocks, VideoSyncState::default(), vec![]);
    tiktok_lists(&mut mocks, vec![Err(TikTokApiError::ScopeNotAuthorized)]);
    let saved: Arc<Mutex<Option<Scopes>>> = Arc::default();
    let sink = Arc::clone(&saved);
    mocks
        .accounts
        .expect_save_scopes()
        .times(1)
        .returning(move |_, scopes, _| {
            *sink.lock().unwrap() = Some(scopes.clone());
            Ok(())
        });
    mocks.accounts.expect_mark_reauth_required().never();

    service_syncs(mocks).await;

    let saved = saved.lock().unwrap().clone().unwrap();
    assert!(!saved.contains(Scope::VIDEO_LIST));
    assert!(saved.contains(Scope::USER_INFO_STATS));
}

#[tokio::test]
async fn each_sync_keeps_the_profile_counts_in_its_hour_and_never_runs_the_retention() {
    let mut mocks = Mocks::default();
    let mut synced = connected_account().build();
    synced.profile = fresh_profile();
    synced.last_sync_at = Some(now());
    let snapshots = Captured::default();
    let sink = snapshots.clone();
    mocks
        .content
        .expect_record_profile_snapshot()
        .times(2)
        .returning(move |_, _, s| {
            sink.push(*s);
            Ok(())
        });
    // The retention is the background rounds' (see the next test), never a user's sync.
    mocks.content.expect_purge_history_before().never();
    let service = mocks.service();

    // What two syncs within the hour (the clock stands still) keep: two snapshots.
    let first = service.syncs().record_history(&synced, &generation()).await;
    let second = service.syncs().record_history(&synced, &generation()).await;
    assert!(first.is_ok() && second.is_ok());

    let snapshot = snapshots.all()[0];
    assert_eq!(snapshot.recorded_at, now());
    assert_eq!(
        snapshot.bucket_start,
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
    );
    let profile = fresh_profile();
    assert_eq!(
        snapshot.counts,
        ProfileCounts {
            follower_count: profile.follower_count,
            following_count: profile.following_count,
            like_count: profile.like_count,
            video_count: profile.video_count,
        }
    );
}

#[tokio::test]
async fn the_background_retention_deletes_old_snapshots_once_an_hour_and_again_after_a_failure() {
    let mut mocks = Mocks::default();
    mocks
        .content
        .expect_purge_history_before()
        .withf(|cutoff| *cutoff == now() - Duration::days(730))
        .times(1)
        .returning(|_| Ok(3));
    let service = mocks.service();
    let rounds = service.rounds();

    // Within the hour (the clock stands still): one run.
    assert_eq!(rounds.purge_expired_history().await.unwrap(), 3);
    assert_eq!(rounds.purge_expired_history().await.unwrap(), 0, "not due");

    // A failed run is tried again by the next round.
    let again = {
        let mut mocks = Mocks::default();
        let mut answers = vec![Err(RepositoryError::Unavailable(boom())), Ok(2)].into_iter();
        mocks
            .content
            .expect_purge_history_before()
            .times(2)
            .returning(move |_| answers.next().unwrap_or(Ok(0)));
        mocks.service()
    };
    assert_err!(
        again.rounds().purge_expired_history().await,
        ServiceError::DatabaseUnavailable(_)
    );
    assert_eq!(again.rounds().purge_expired_history().await.unwrap(), 2);
}

#[tokio::test]
async fn a_sync_ends_by_computing_the_analytics_of_what_it_stored_and_keeping_them() {
    // Arrange
    let mut mocks = Mocks::default();
    let mut account = connected_account().build();
    account.scopes = scopes().without(Scope::VIDEO_LIST);
    mocks.account_is(Some(account.clone()));
    mocks
        .data
        .expect_user_info()
        .returning(|_, _| Ok(user_info()));
    mocks.profile_saves_onto(account);
    mocks.content.checkpoint();
    let mut order = mockall::Sequence::new();
    mocks
        .content
        .expect_record_profile_snapshot()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_, _, _| Ok(()));
    mocks
        .content
        .expect_analytics_data()
        .withf(|user_id, q| user_id == &user() && q.recent_since == now() - Duration::days(30))
        .times(1)
        .in_sequence(&mut order)
        .returning(|_, _| {
            Ok(AnalyticsData {
                all_videos: VideoTotals {
                    videos: 2,
                    views: 300,
                    ..VideoTotals::default()
                },
                ..AnalyticsData::default()
            })
        });
    let kept = Captured::default();
    let sink = kept.clone();
    mocks
        .content
        .expect_save_analytics()
        .withf(|user_id, g, _, computed_at| {
            user_id == &user() && g == &generation() && *computed_at == now()
        })
        .times(1)
        .in_sequence(&mut order)
        .returning(move |_, _, analytics, _| {
            sink.push(analytics.clone());
            Ok(())
        });
    let service = mocks.service();

    // Act
    let report = service
        .syncs()
        .sync_report(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(report.analytics.views_total, Some(300));
    assert_eq!(report.analytics.views_average, Some(150.0));
    assert_eq!(kept.only(), report.analytics, "the answer is what was kept");
}

#[tokio::test]
async fn analytics_that_cannot_be_kept_or_computed_do_not_fail_the_sync() {
    // Either the computation fails, or it succeeds and keeping its result fails.
    for compute_fails in [false, true] {
        let mut mocks = Mocks::default();
        let mut account = connected_account().build();
        account.scopes = scopes().without(Scope::VIDEO_LIST);
        mocks.account_is(Some(account.clone()));
        mocks
            .data
            .expect_user_info()
            .returning(|_, _| Ok(user_info()));
        mocks.profile_saves_onto(account);
        mocks.content.checkpoint();
        mocks
            .content
            .expect_record_profile_snapshot()
            .returning(|_, _, _| Ok(()));
        mocks
            .content
            .expect_analytics_data()
            .returning(move |_, _| {
                if compute_fails {
                    Err(RepositoryError::Unavailable("down".into()))
                } else {
                    Ok(AnalyticsData::default())
                }
            });
        mocks
            .content
            .expect_save_analytics()
            .times(usize::from(!compute_fails))
            .returning(|_, _, _, _| Err(RepositoryError::Unavailable("down".into())));

        service_syncs(mocks).await;
    }
}

async fn service_syncs(mocks: Mocks) {
    let service = mocks.service();
    let metrics = service.syncs().sync(&creator(), &user()).await;
    assert!(metrics.is_ok(), "the sync answers: {metrics:?}");
}

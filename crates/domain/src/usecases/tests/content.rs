//! Reading content (videos, history, metrics with analytics), the rules behind them, and purging.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::support::*;
use crate::account::DisconnectReason;
use crate::analytics::{engagement_rate, growth, views, Analytics};
use crate::content::{
    AnalyticsData, HistoryInterval, HistoryPeriod, ProfileCounts, ProfileSnapshot, VideoCursor,
    VideoList, VideoQuery, VideoSort, VideoTotals,
};
use crate::ports::RepositoryError;
use crate::usecases::{MissingData, RemovalOutcome, ServiceError};
use crate::values::{Scope, Scopes};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn snapshot(at: DateTime<Utc>, followers: Option<i64>) -> ProfileSnapshot {
    ProfileSnapshot {
        bucket_start: HistoryPeriod::default().bucket_of(at),
        recorded_at: at,
        counts: ProfileCounts {
            follower_count: followers,
            ..ProfileCounts::default()
        },
    }
}

#[test]
fn buckets_are_whole_periods_since_the_epoch_so_a_day_boundary_splits_them() {
    let hour = HistoryPeriod::minutes(60).unwrap();
    assert_eq!(
        hour.bucket_of(utc(2026, 11, 24, 23, 59, 59)),
        utc(2026, 11, 24, 23, 0, 0)
    );
    assert_eq!(
        hour.bucket_of(utc(2026, 11, 25, 0, 0, 1)),
        utc(2026, 11, 25, 0, 0, 0)
    );
    let quarter = HistoryPeriod::minutes(15).unwrap();
    assert_eq!(
        quarter.bucket_of(utc(2026, 11, 25, 10, 44, 0)),
        utc(2026, 11, 25, 10, 30, 0)
    );
    let day = HistoryPeriod::minutes(1_440).unwrap();
    assert_eq!(
        day.bucket_of(utc(2026, 11, 25, 23, 59, 59)),
        utc(2026, 11, 25, 0, 0, 0)
    );
    for bad in [0, 7, 1_441, -60] {
        assert!(HistoryPeriod::minutes(bad).is_err(), "{bad} minutes");
    }
}

#[test]
fn history_points_group_by_utc_day_and_by_iso_week_starting_monday() {
    let late = utc(2026, 11, 24, 23, 59, 59);
    let early = utc(2026, 11, 25, 0, 0, 1);
    assert_eq!(
        HistoryInterval::Day.start_of(late),
        utc(2026, 11, 24, 0, 0, 0)
    );
    assert_eq!(
        HistoryInterval::Day.start_of(early),
        utc(2026, 11, 25, 0, 0, 0)
    );
    // 2026-11-25 is a Wednesday; its week starts on Monday the 23rd, and Sunday the 29th belongs to it.
    assert_eq!(
        HistoryInterval::Week.start_of(early),
        utc(2026, 11, 23, 0, 0, 0)
    );
    assert_eq!(
        HistoryInterval::Week.start_of(utc(2026, 11, 29, 23, 0, 0)),
        utc(2026, 11, 23, 0, 0, 0)
    );
    assert_eq!(
        HistoryInterval::Week.start_of(utc(2026, 11, 30, 0, 0, 0)),
        utc(2026, 11, 30, 0, 0, 0)
    );
    // An instant given with an offset is the same instant: 01:30 at +02:00 is 23:30 UTC the day before.
    let offset = DateTime::parse_from_rfc3339("2026-11-25T01:30:00+02:00").unwrap();
    assert_eq!(
        HistoryInterval::Day.start_of(offset.with_timezone(&Utc)),
        utc(2026, 11, 24, 0, 0, 0)
    );
}

#[test]
fn growth_compares_with_the_snapshot_of_the_window_and_is_unknown_without_one() {
    let latest = Some(snapshot(now(), Some(1_100)));
    let week_ago = Some(snapshot(now() - Duration::days(7), Some(1_000)));
    let g = growth(latest, week_ago, 7).unwrap();
    assert_eq!((g.absolute, g.percent), (100, Some(10.0)));
    assert_eq!(g.since, now() - Duration::days(7));

    let lost = growth(Some(snapshot(now(), Some(900))), week_ago, 7).unwrap();
    assert_eq!(
        (lost.absolute, lost.percent),
        (-100, Some(-10.0)),
        "counts go down too"
    );

    let too_old = Some(snapshot(now() - Duration::days(9), Some(1_000)));
    assert_eq!(
        growth(latest, too_old, 7),
        None,
        "a baseline of another window"
    );
    let too_new = Some(snapshot(now() - Duration::days(6), Some(1_000)));
    assert_eq!(growth(latest, too_new, 7), None);
    assert_eq!(growth(latest, None, 7), None);
    assert_eq!(growth(None, week_ago, 7), None);
    let no_stats = Some(snapshot(now() - Duration::days(7), None));
    assert_eq!(growth(latest, no_stats, 7), None);

    let from_zero = growth(
        latest,
        Some(snapshot(now() - Duration::days(7), Some(0))),
        7,
    )
    .unwrap();
    assert_eq!(
        (from_zero.absolute, from_zero.percent),
        (1_100, None),
        "no percent of zero"
    );
}

#[test]
fn engagement_is_interactions_over_views_and_unknown_without_views() {
    let totals = VideoTotals {
        videos: 2,
        views: 1_000,
        likes: 40,
        comments: 7,
        shares: 3,
    };
    assert_eq!(engagement_rate(&totals), Some(0.05));
    assert_eq!(views(&totals), (Some(1_000), Some(500.0)));
    let none = VideoTotals::default();
    assert_eq!(engagement_rate(&none), None);
    assert_eq!(views(&none), (None, None));
    let unseen = VideoTotals {
        videos: 1,
        ..VideoTotals::default()
    };
    assert_eq!(engagement_rate(&unseen), None, "no views, no rate");
    let absurd = VideoTotals {
        videos: 1,
        views: 10,
        likes: i64::MAX,
        comments: 1,
        shares: 0,
    };
    assert_eq!(
        engagement_rate(&absurd),
        None,
        "an overflow is no figure, not a panic"
    );
}

/// `find_with_analytics(42)` answers the connected account with `kept`, once.
fn kept_analytics_are(mocks: &mut Mocks, kept: Option<Analytics>) {
    mocks
        .accounts
        .expect_find_with_analytics()
        .withf(|user_id| user_id == &user())
        .times(1)
        .returning(move |_| Ok(Some((connected_account().build(), kept.clone()))));
}

#[tokio::test]
async fn metrics_report_without_kept_analytics_asks_storage_once_for_the_three_windows_and_keeps_them(
) {
    // Arrange
    let mut mocks = Mocks::default();
    kept_analytics_are(&mut mocks, None);
    mocks
        .content
        .expect_analytics_data()
        .withf(|user_id, q| {
            user_id == &user()
                && q.growth_days == vec![1, 7, 30]
                && q.recent_since == now() - Duration::days(30)
                && q.top == 5
        })
        .times(1)
        .returning(|_, _| {
            Ok(AnalyticsData {
                latest: Some(snapshot(now(), Some(1_100))),
                baselines: vec![
                    (1, Some(snapshot(now() - Duration::days(1), Some(1_090)))),
                    (7, Some(snapshot(now() - Duration::days(7), Some(1_000)))),
                    (30, None),
                ],
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
        .returning(move |_, _, analytics, _| {
            sink.push(analytics.clone());
            Ok(())
        });
    let service = mocks.service();

    // Act
    let report = service
        .reads()
        .metrics_report(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(
        report.metrics.follower_count,
        stored_profile().follower_count
    );
    let a: Analytics = report.analytics;
    assert_eq!(a.growth_over(1).map(|g| g.absolute), Some(10));
    assert_eq!(a.growth_over(7).map(|g| g.absolute), Some(100));
    assert_eq!(a.growth_over(30), None);
    assert_eq!((a.engagement_rate_30d, a.views_total), (None, None));
    assert_eq!(kept.all(), vec![a], "what was answered is what was kept");
}

#[tokio::test]
async fn metrics_report_answers_the_kept_analytics_without_computing_them() {
    // Arrange
    let mut mocks = Mocks::default();
    let kept = Analytics {
        views_total: Some(1_234),
        engagement_rate_30d: Some(0.0421),
        ..Analytics::default()
    };
    kept_analytics_are(&mut mocks, Some(kept.clone()));
    mocks.content.expect_analytics_data().times(0);
    mocks.content.expect_save_analytics().times(0);
    let service = mocks.service();

    // Act
    let report = service
        .reads()
        .metrics_report(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(report.analytics, kept);
}

#[tokio::test]
async fn metrics_of_a_disconnected_or_unknown_account_are_not_shown() {
    for found in [
        Some(
            connected_account()
                .disconnected(DisconnectReason::Requested)
                .build(),
        ),
        None,
    ] {
        let mut mocks = Mocks::default();
        mocks
            .accounts
            .expect_find_with_analytics()
            .times(1)
            .returning(move |_| Ok(found.clone().map(|a| (a, Some(Analytics::default())))));
        mocks.content.expect_analytics_data().never();

        let report = mocks
            .service()
            .reads()
            .metrics_report(&creator(), &user())
            .await;

        assert!(
            matches!(report, Err(ServiceError::NotConnected)),
            "{report:?}"
        );
    }
}

#[tokio::test]
async fn metrics_report_fails_as_unavailable_when_the_kept_analytics_cannot_be_read() {
    let mut mocks = Mocks::default();
    mocks
        .accounts
        .expect_find_with_analytics()
        .returning(|_| Err(RepositoryError::Unavailable("down".into())));
    let service = mocks.service();

    let report = service.reads().metrics_report(&creator(), &user()).await;

    assert!(
        matches!(report, Err(ServiceError::DatabaseUnavailable(_))),
        "{report:?}"
    );
}

#[tokio::test]
async fn videos_cap_the_limit_and_refuse_a_cursor_of_another_sort() {
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks
        .content
        .expect_list_videos()
        .withf(|_, q| q.limit == 100 && q.sort == VideoSort::MostViewed)
        .times(1)
        .returning(|_, _| Ok(VideoList::default()));
    let service = mocks.service();
    let query = |sort, cursor_sort: Option<VideoSort>| VideoQuery {
        sort,
        limit: 5_000,
        after: cursor_sort.map(|s| VideoCursor {
            sort: s,
            key: 1,
            video_id: "1".into(),
        }),
    };

    let capped = service
        .reads()
        .videos(&creator(), &user(), query(VideoSort::MostViewed, None))
        .await;
    let mixed = service
        .reads()
        .videos(
            &creator(),
            &user(),
            query(VideoSort::Newest, Some(VideoSort::MostViewed)),
        )
        .await;

    assert!(capped.is_ok());
    assert_err!(mixed, ServiceError::InvalidRequest(_));
}

#[tokio::test]
async fn content_of_a_disconnected_account_is_not_shown_and_history_needs_from_before_to() {
    let mut mocks = Mocks::default();
    mocks.account_is(Some(
        connected_account()
            .disconnected(DisconnectReason::Requested)
            .build(),
    ));
    mocks.content.expect_profile_history().never();
    let service = mocks.service();

    let gone = service
        .reads()
        .history(&creator(), &user(), None, None, HistoryInterval::Day)
        .await;
    let backwards = service
        .reads()
        .history(
            &creator(),
            &user(),
            Some(now()),
            Some(now() - Duration::days(1)),
            HistoryInterval::Day,
        )
        .await;
    let forbidden = service
        .reads()
        .history(&other_creator(), &user(), None, None, HistoryInterval::Week)
        .await;

    assert_err!(gone, ServiceError::NotConnected);
    assert_err!(backwards, ServiceError::InvalidRequest(_));
    assert_err!(forbidden, ServiceError::Forbidden);
}

#[tokio::test]
async fn history_with_a_to_at_the_edge_of_time_is_invalid_not_a_panic() {
    let mut mocks = Mocks::default();
    mocks.content.expect_profile_history().never();
    let service = mocks.service();

    let earliest = service
        .reads()
        .history(
            &creator(),
            &user(),
            None,
            Some(chrono::DateTime::<chrono::Utc>::MIN_UTC),
            HistoryInterval::Day,
        )
        .await;

    assert_err!(earliest, ServiceError::InvalidRequest(_));
}

#[tokio::test]
async fn history_defaults_to_the_last_thirty_days() {
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks
        .content
        .expect_profile_history()
        .withf(|_, from, to, interval| {
            *to == now()
                && *from == now() - Duration::days(30)
                && *interval == HistoryInterval::Week
        })
        .times(1)
        .returning(|_, _, _, _| Ok(Vec::new()));
    let service = mocks.service();

    let series = service
        .reads()
        .history(&creator(), &user(), None, None, HistoryInterval::Week)
        .await;

    assert_eq!(series.unwrap().points, Vec::new());
}

#[tokio::test]
async fn disconnect_with_purge_erases_the_content_and_the_account_row() {
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks.oauth.expect_revoke().times(1).returning(|_| Ok(()));
    mocks
        .accounts
        .expect_disconnect()
        // One `tiktok.account.disconnected`, reported as an erasure rather than a plain request.
        .withf(|_, cause, _| *cause == crate::events::DisconnectCause::Purged)
        .times(1)
        .returning(|_, reason, _| {
            Ok(Some(
                connected_account()
                    .disconnected(reason.stored_reason())
                    .build(),
            ))
        });
    mocks
        .content
        .expect_purge()
        .withf(|u| u == &user())
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .accounts
        .expect_delete_account()
        .times(1)
        .returning(|_| Ok(true));
    let service = mocks.service();

    let status = service
        .connections()
        .disconnect_and_purge(&creator(), &user())
        .await
        .unwrap();

    assert!(status.account.is_none());
    assert_eq!(status.disconnect_reason, None, "as if never connected");
}

#[tokio::test]
async fn a_plain_disconnect_keeps_the_content() {
    let mut mocks = Mocks::default();
    mocks.account_is(Some(
        connected_account()
            .disconnected(DisconnectReason::Requested)
            .build(),
    ));
    mocks.content.expect_purge().never();
    mocks.accounts.expect_delete_account().never();
    let service = mocks.service();

    assert!(service
        .connections()
        .disconnect(&creator(), &user())
        .await
        .is_ok());
}

#[tokio::test]
async fn only_an_account_deleted_at_tiktok_has_its_content_and_profile_erased_by_the_webhook() {
    for (reason, purged) in [
        (DisconnectReason::AccountDeleted, 1),
        (DisconnectReason::UserDisconnected, 0),
    ] {
        let mut mocks = Mocks::default();
        mocks
            .accounts
            .expect_find_active_by_open_id()
            .returning(|_| Ok(Some(connected_account().build())));
        mocks
            .accounts
            .expect_disconnect()
            .withf(move |_, cause, _| *cause == crate::events::DisconnectCause::TikTok(reason))
            .times(1)
            .returning(|_, reason, _| {
                Ok(Some(
                    connected_account()
                        .disconnected(reason.stored_reason())
                        .build(),
                ))
            });
        mocks
            .content
            .expect_purge()
            .times(purged)
            .returning(|_| Ok(()));
        mocks
            .accounts
            .expect_erase_profile()
            .times(purged)
            .returning(|_| Ok(()));
        let service = mocks.service();

        let outcome = service
            .connections()
            .authorization_removed(&open_id(), reason, now())
            .await;

        assert_eq!(outcome.unwrap(), RemovalOutcome::Disconnected);
    }
}

#[test]
fn missing_data_names_each_ungranted_scope() {
    let basic = Scopes::parse_comma_separated(Scope::USER_INFO_BASIC).unwrap();
    let missing: Vec<(&str, &str)> = MissingData::for_scopes(&basic)
        .into_iter()
        .map(|m| (m.data, m.scope))
        .collect();
    assert_eq!(
        missing,
        vec![
            ("profile", "user.info.profile"),
            ("stats", "user.info.stats"),
            ("videos", "video.list")
        ]
    );
    assert!(MissingData::for_scopes(&scopes()).is_empty());
}

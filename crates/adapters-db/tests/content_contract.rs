//! The `ContentRepository` contract (and the account writes of the content feature), written once and run
//! on SQLite and on PostgreSQL.
#![cfg(test)]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{at, connection, generation, scopes, user};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselContentRepository};
use tiktok_domain::analytics::{Analytics, Growth};
use tiktok_domain::content::{
    AnalyticsQuery, HistoryInterval, HistoryPeriod, ProfileCounts, ProfileSnapshot, StoredVideo,
    UpsertReport, VideoQuery, VideoSort, VideoSyncEnd,
};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::ports::{AccountRepository, ContentRepository, Video};
use tiktok_domain::{ConnectionGeneration, DisconnectReason, Profile, UserId};

on_both_backends!(
    a_page_is_stored_and_a_repeat_reports_what_changed_counts_going_down_included,
    a_complete_listing_hides_unseen_videos_and_a_video_seen_again_comes_back,
    keyset_pages_list_every_video_once_in_each_order,
    one_profile_snapshot_per_bucket_the_latest_sync_wins,
    history_groups_snapshots_by_utc_day_and_iso_week_across_midnight,
    analytics_finds_the_baselines_sums_and_top_videos,
    kept_analytics_read_back_whole_and_an_older_computation_never_replaces_a_newer_one,
    purging_erases_one_users_content_and_retention_drops_old_buckets,
    reads_run_the_same_number_of_queries_for_45_and_for_5000_videos,
    the_account_writes_of_the_content_feature_work_and_a_new_tiktok_account_starts_afresh,
);

fn repo(db: &Database) -> DieselContentRepository {
    DieselContentRepository::new(db.clone())
}

/// The generation of the connection [`connect`] stores for `u`.
fn gen_of(u: &UserId) -> ConnectionGeneration {
    generation(u.as_str())
}

/// Connects each user (to TikTok account `open-<user>`, tagged with the user): the content writes land
/// only for a live connection.
async fn connect(db: &Database, users: &[&str]) {
    let accounts = DieselAccountRepository::new(db.clone());
    for who in users {
        accounts
            .save_connection(&connection(who, &format!("open-{who}"), who, at(0, 0)))
            .await
            .expect("connected");
    }
}

/// Video `n`, posted `n` hours before the reference instant, `views` views.
fn video(n: u32, views: i64) -> Video {
    Video {
        id: format!("{}", 7_300_000_000_000_000_000u64 + u64::from(n)),
        title: Some(format!("video {n}")),
        create_time: Some((at(0, 0) - Duration::hours(i64::from(n))).timestamp()),
        view_count: Some(views),
        like_count: Some(views / 10),
        comment_count: Some(2),
        share_count: Some(1),
        ..Video::default()
    }
}

fn utc(d: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, s).unwrap()
}

fn snapshot(recorded_at: DateTime<Utc>, followers: i64, period: HistoryPeriod) -> ProfileSnapshot {
    ProfileSnapshot {
        bucket_start: period.bucket_of(recorded_at),
        recorded_at,
        counts: ProfileCounts {
            follower_count: Some(followers),
            ..ProfileCounts::default()
        },
    }
}

async fn a_page_is_stored_and_a_repeat_reports_what_changed_counts_going_down_included(
    db: Database,
) {
    let repo = repo(&db);
    let u = user("user-1");
    connect(&db, &["user-1"]).await;
    let page: Vec<Video> = (0..3).map(|n| video(n, 1_000)).collect();
    let first = repo
        .upsert_videos(&u, &gen_of(&u), &page, at(0, 0), at(0, 0))
        .await
        .unwrap();
    assert_eq!(
        first,
        UpsertReport {
            inserted: 3,
            changed: 0,
            unchanged: 0
        }
    );

    let mut again = page.clone();
    again[1].view_count = Some(900); // counts go down: TikTok is the source of truth
    let second = repo
        .upsert_videos(&u, &gen_of(&u), &again, at(60, 0), at(60, 0))
        .await
        .unwrap();
    assert_eq!(
        second,
        UpsertReport {
            inserted: 0,
            changed: 1,
            unchanged: 2
        }
    );

    let list = repo
        .list_videos(
            &u,
            &VideoQuery {
                sort: VideoSort::MostViewed,
                limit: 10,
                after: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(list.videos.len(), 3);
    let lowered = list
        .videos
        .iter()
        .find(|v| v.video.id == page[1].id)
        .unwrap();
    assert_eq!(lowered.video.view_count, Some(900));
    assert_eq!(
        (lowered.first_seen_at, lowered.last_seen_at),
        (at(0, 0), at(60, 0))
    );
    assert_eq!(list.videos[2].video.id, page[1].id, "least viewed last");
    assert_eq!(list.videos[0].video, page[2], "every field round-trips");
}

async fn a_complete_listing_hides_unseen_videos_and_a_video_seen_again_comes_back(db: Database) {
    let repo = repo(&db);
    let u = user("user-1");
    connect(&db, &["user-1"]).await;
    let page: Vec<Video> = (0..4).map(|n| video(n, 10)).collect();
    repo.upsert_videos(&u, &gen_of(&u), &page, at(0, 0), at(0, 0))
        .await
        .unwrap();
    // A later full listing sees only three of them.
    repo.upsert_videos(&u, &gen_of(&u), &page[..3], at(100, 0), at(100, 0))
        .await
        .unwrap();
    let end = VideoSyncEnd {
        at: at(101, 0),
        complete_listing_since: Some(at(100, 0)),
        resume: None,
    };
    assert_eq!(
        repo.finish_video_sync(&u, &gen_of(&u), &end).await.unwrap(),
        1
    );
    let newest = VideoQuery {
        sort: VideoSort::Newest,
        limit: 10,
        after: None,
    };
    let ids = |l: &tiktok_domain::content::VideoList| {
        l.videos
            .iter()
            .map(|v| v.video.id.clone())
            .collect::<Vec<_>>()
    };
    let listed = repo.list_videos(&u, &newest).await.unwrap();
    assert_eq!(
        ids(&listed),
        page[..3].iter().map(|v| v.id.clone()).collect::<Vec<_>>()
    );
    let state = repo.video_sync_state(&u).await.unwrap();
    assert_eq!(
        (state.videos_synced_at, state.last_full_sync_at),
        (Some(at(101, 0)), Some(at(101, 0)))
    );

    // An incremental end keeps the last full listing's time; the video shows up again.
    let back = repo
        .upsert_videos(&u, &gen_of(&u), &page[3..], at(200, 0), at(200, 0))
        .await
        .unwrap();
    assert_eq!(back.inserted, 1, "a deleted video seen again counts as new");
    let end = VideoSyncEnd {
        at: at(201, 0),
        complete_listing_since: None,
        resume: None,
    };
    assert_eq!(
        repo.finish_video_sync(&u, &gen_of(&u), &end).await.unwrap(),
        0
    );
    assert_eq!(repo.list_videos(&u, &newest).await.unwrap().videos.len(), 4);
    let state = repo.video_sync_state(&u).await.unwrap();
    assert_eq!(
        (state.videos_synced_at, state.last_full_sync_at),
        (Some(at(201, 0)), Some(at(101, 0)))
    );
}

async fn keyset_pages_list_every_video_once_in_each_order(db: Database) {
    let repo = repo(&db);
    let u = user("user-1");
    connect(&db, &["user-1", "other"]).await;
    // Ties on purpose: pairs share a create_time, and views repeat.
    let page: Vec<Video> = (0..50)
        .map(|n| Video {
            create_time: video(n / 2, 0).create_time,
            ..video(n, i64::from(n % 7))
        })
        .collect();
    repo.upsert_videos(&u, &gen_of(&u), &page, at(0, 0), at(0, 0))
        .await
        .unwrap();
    repo.upsert_videos(
        &user("other"),
        &gen_of(&user("other")),
        &page[..5],
        at(0, 0),
        at(0, 0),
    )
    .await
    .unwrap();
    for sort in [VideoSort::Newest, VideoSort::Oldest, VideoSort::MostViewed] {
        let (mut seen, mut after) = (Vec::new(), None);
        loop {
            let q = VideoQuery {
                sort,
                limit: 7,
                after: after.clone(),
            };
            let list = repo.list_videos(&u, &q).await.unwrap();
            assert!(list.videos.len() <= 7);
            seen.extend(
                list.videos
                    .iter()
                    .map(|v| (sort.key_of(&v.video), v.video.id.clone())),
            );
            match list.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 50, "{sort:?}: every video once");
        let mut expected = seen.clone();
        expected.sort();
        if sort.descending() {
            expected.reverse();
        }
        assert_eq!(seen, expected, "{sort:?}: in key order");
    }
}

async fn one_profile_snapshot_per_bucket_the_latest_sync_wins(db: Database) {
    let repo = repo(&db);
    let u = user("user-1");
    connect(&db, &["user-1"]).await;
    let hour = HistoryPeriod::default();
    for (recorded, followers) in [
        (utc(25, 10, 5, 0), 100),
        (utc(25, 10, 50, 0), 110),
        (utc(25, 11, 1, 0), 120),
    ] {
        repo.record_profile_snapshot(&u, &gen_of(&u), &snapshot(recorded, followers, hour))
            .await
            .unwrap();
    }
    let points = repo
        .profile_history(&u, utc(25, 0, 0, 0), utc(26, 0, 0, 0), HistoryInterval::Day)
        .await
        .unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].counts.follower_count, Some(120));
    let data = repo
        .analytics_data(
            &u,
            &AnalyticsQuery {
                growth_days: vec![],
                recent_since: at(0, 0),
                top: 5,
            },
        )
        .await
        .unwrap();
    let latest = data.latest.unwrap();
    assert_eq!(
        (latest.bucket_start, latest.recorded_at),
        (utc(25, 11, 0, 0), utc(25, 11, 1, 0))
    );
}

async fn history_groups_snapshots_by_utc_day_and_iso_week_across_midnight(db: Database) {
    let repo = repo(&db);
    let u = user("user-1");
    connect(&db, &["user-1"]).await;
    let minute = HistoryPeriod::minutes(1).unwrap();
    for (recorded, followers) in [
        (utc(24, 12, 0, 0), 1),
        (utc(24, 23, 59, 59), 2),
        (utc(25, 0, 0, 1), 3),
        (utc(25, 18, 0, 0), 4),
        (utc(30, 0, 0, 0), 5), // Monday: another ISO week
    ] {
        repo.record_profile_snapshot(&u, &gen_of(&u), &snapshot(recorded, followers, minute))
            .await
            .unwrap();
    }
    let days = repo
        .profile_history(&u, utc(24, 0, 0, 0), utc(30, 0, 0, 0), HistoryInterval::Day)
        .await
        .unwrap();
    let got: Vec<_> = days
        .iter()
        .map(|p| (p.start, p.counts.follower_count))
        .collect();
    assert_eq!(
        got,
        vec![(utc(24, 0, 0, 0), Some(2)), (utc(25, 0, 0, 0), Some(4))],
        "`to` is exclusive"
    );
    assert_eq!(days[0].recorded_at, utc(24, 23, 59, 59));

    let weeks = repo
        .profile_history(&u, utc(1, 0, 0, 0), utc(30, 0, 0, 1), HistoryInterval::Week)
        .await
        .unwrap();
    let got: Vec<_> = weeks
        .iter()
        .map(|p| (p.start, p.counts.follower_count))
        .collect();
    assert_eq!(
        got,
        vec![(utc(23, 0, 0, 0), Some(4)), (utc(30, 0, 0, 0), Some(5))]
    );
}

async fn analytics_finds_the_baselines_sums_and_top_videos(db: Database) {
    let repo = repo(&db);
    let u = user("user-1");
    connect(&db, &["user-1"]).await;
    let hour = HistoryPeriod::default();
    let latest = utc(25, 10, 30, 0);
    for (days_ago, followers) in [
        (31, 700),
        (30, 800),
        (8, 900),
        (7, 950),
        (1, 990),
        (0, 1_000),
    ] {
        let when = latest - Duration::days(days_ago);
        repo.record_profile_snapshot(&u, &gen_of(&u), &snapshot(when, followers, hour))
            .await
            .unwrap();
    }
    let mut page: Vec<Video> = (0..6)
        .map(|n| video(n * 24 * 10, 100 * i64::from(n + 1)))
        .collect();
    page[5].like_count = None; // unknown counts are left out of the sums, never taken as zero
    repo.upsert_videos(&u, &gen_of(&u), &page, at(0, 0), at(0, 0))
        .await
        .unwrap();
    let query = AnalyticsQuery {
        growth_days: vec![1, 7, 30],
        recent_since: at(0, 0) - Duration::days(25),
        top: 2,
    };

    let data = repo.analytics_data(&u, &query).await.unwrap();

    let followers = |days: i64| {
        data.baselines
            .iter()
            .find(|(d, _)| *d == days)
            .and_then(|(_, s)| s.as_ref())
            .and_then(|s| s.counts.follower_count)
    };
    assert_eq!(data.latest.unwrap().counts.follower_count, Some(1_000));
    assert_eq!(
        (followers(1), followers(7), followers(30)),
        (Some(990), Some(950), Some(800))
    );
    assert_eq!(data.all_videos.videos, 5);
    assert_eq!(data.all_videos.views, 100 + 200 + 300 + 400 + 500);
    // Posted 0, 10, 20 days before the reference instant (30, 40, 50 are older than 25 days).
    assert_eq!(
        (data.recent_videos.videos, data.recent_videos.views),
        (3, 600)
    );
    assert_eq!(data.recent_videos.likes, 10 + 20 + 30);
    let top: Vec<_> = data.top_videos.iter().map(|v| v.video.view_count).collect();
    assert_eq!(top, vec![Some(600), Some(500)]);
}

async fn kept_analytics_read_back_whole_and_an_older_computation_never_replaces_a_newer_one(
    db: Database,
) {
    let repo = repo(&db);
    let accounts = DieselAccountRepository::new(db.clone());
    let (u, other) = (user("user-1"), user("user-2"));
    for (who, open) in [("user-1", "open-1"), ("user-2", "open-2")] {
        accounts
            .save_connection(&connection(who, open, who, at(0, 0)))
            .await
            .unwrap();
    }
    // The account with what its last sync kept, in one read.
    let stored_analytics = |u| {
        let accounts = accounts.clone();
        async move {
            let (account, kept) = accounts.find_with_analytics(&u).await.unwrap().unwrap();
            assert_eq!(account.user_id, u);
            kept
        }
    };
    assert_eq!(stored_analytics(u.clone()).await, None);
    assert_eq!(
        accounts.find_with_analytics(&user("nobody")).await.unwrap(),
        None
    );
    let mut stored = StoredVideo {
        video: video(3, 1_234),
        first_seen_at: at(0, 0),
        last_seen_at: at(1, 30),
    };
    stored.video.description = Some("déjà vu \"quoted\" 🎵".into());
    let computed = Analytics {
        as_of: Some(utc(25, 10, 0, 0)),
        growth: vec![
            (
                1,
                Some(Growth {
                    absolute: -3,
                    percent: Some(-0.25),
                    since: utc(24, 10, 0, 0),
                }),
            ),
            (
                7,
                Some(Growth {
                    absolute: 40,
                    percent: None,
                    since: utc(18, 9, 0, 0),
                }),
            ),
            (30, None),
        ],
        engagement_rate_30d: Some(0.0421),
        views_total: Some(i64::MAX),
        views_average: Some(1_234.5),
        top_videos: vec![stored],
        videos_synced_at: Some(utc(25, 10, 0, 5)),
    };

    repo.save_analytics(&u, &gen_of(&u), &computed, at(2, 0))
        .await
        .unwrap();
    assert_eq!(stored_analytics(u.clone()).await, Some(computed.clone()));
    assert_eq!(stored_analytics(other.clone()).await, None);

    let older = Analytics {
        views_total: Some(1),
        ..Analytics::default()
    };
    repo.save_analytics(&u, &gen_of(&u), &older, at(1, 0))
        .await
        .unwrap();
    assert_eq!(
        stored_analytics(u.clone()).await,
        Some(computed),
        "a computation that finished late but started earlier is dropped"
    );
    repo.save_analytics(&u, &gen_of(&u), &older, at(3, 0))
        .await
        .unwrap();
    assert_eq!(stored_analytics(u.clone()).await, Some(older));

    repo.purge(&u).await.unwrap();
    assert_eq!(
        stored_analytics(u.clone()).await,
        None,
        "purged with the content"
    );
}

async fn purging_erases_one_users_content_and_retention_drops_old_buckets(db: Database) {
    let repo = repo(&db);
    let (a, b) = (user("user-a"), user("user-b"));
    connect(&db, &["user-a", "user-b"]).await;
    let hour = HistoryPeriod::default();
    for u in [&a, &b] {
        repo.upsert_videos(u, &gen_of(u), &[video(1, 5)], at(0, 0), at(0, 0))
            .await
            .unwrap();
        repo.record_profile_snapshot(u, &gen_of(u), &snapshot(utc(1, 0, 0, 0), 1, hour))
            .await
            .unwrap();
        repo.record_profile_snapshot(u, &gen_of(u), &snapshot(utc(25, 0, 0, 0), 2, hour))
            .await
            .unwrap();
    }

    repo.purge(&a).await.unwrap();
    let purged = repo.purge_history_before(utc(2, 0, 0, 0)).await.unwrap();

    let all = VideoQuery {
        sort: VideoSort::Newest,
        limit: 10,
        after: None,
    };
    assert!(repo.list_videos(&a, &all).await.unwrap().videos.is_empty());
    assert_eq!(repo.list_videos(&b, &all).await.unwrap().videos.len(), 1);
    let history =
        |u| repo.profile_history(u, utc(1, 0, 0, 0), utc(30, 0, 0, 0), HistoryInterval::Day);
    assert!(history(&a).await.unwrap().is_empty());
    assert_eq!(
        history(&b).await.unwrap().len(),
        1,
        "the old bucket is gone"
    );
    assert_eq!(
        purged, 1,
        "b's profile snapshot of day 1 (b's video snapshot of day 25 stays)"
    );
}

async fn reads_run_the_same_number_of_queries_for_45_and_for_5000_videos(db: Database) {
    let repo = repo(&db);
    let day = HistoryPeriod::minutes(1_440).unwrap();
    for (name, count) in [("small", 45u32), ("large", 5_000)] {
        let u = user(name);
        connect(&db, &[name]).await;
        let videos: Vec<Video> = (0..count).map(|n| video(n, i64::from(n))).collect();
        for chunk in videos.chunks(500) {
            repo.upsert_videos(&u, &gen_of(&u), chunk, at(0, 0), at(0, 0))
                .await
                .unwrap();
        }
        let days = if count > 100 { 730 } else { 3 };
        for d in 0..days {
            let when = utc(25, 12, 0, 0) - Duration::days(d);
            repo.record_profile_snapshot(&u, &gen_of(&u), &snapshot(when, 1_000 + d, day))
                .await
                .unwrap();
        }
    }
    let mut counts = Vec::new();
    for name in ["small", "large"] {
        let u = user(name);
        let started = std::time::Instant::now();
        let before = db.queries_executed();
        let page = VideoQuery {
            sort: VideoSort::MostViewed,
            limit: 100,
            after: None,
        };
        let first = repo.list_videos(&u, &page).await.unwrap();
        let after = VideoQuery {
            after: first.next.clone(),
            ..page
        };
        repo.list_videos(&u, &after).await.unwrap();
        let listed = db.queries_executed();
        let listed_in = started.elapsed();
        repo.profile_history(
            &u,
            utc(1, 0, 0, 0) - Duration::days(800),
            utc(26, 0, 0, 0),
            HistoryInterval::Day,
        )
        .await
        .unwrap();
        let historied = db.queries_executed();
        let historied_in = started.elapsed() - listed_in;
        let query = AnalyticsQuery {
            growth_days: vec![1, 7, 30],
            recent_since: at(0, 0),
            top: 5,
        };
        repo.analytics_data(&u, &query).await.unwrap();
        let analysed = db.queries_executed();
        counts.push((listed - before, historied - listed, analysed - historied));
        let analysed_in = started.elapsed() - historied_in - listed_in;
        println!(
            "{name}: queries (2 pages, history, analytics) {:?}, in {listed_in:?}, {historied_in:?}, {analysed_in:?}",
            counts.last()
        );
    }
    assert_eq!(counts[0], counts[1], "no query per video or per snapshot");
    let (list, history, analytics) = counts[0];
    assert!(
        list <= 4 && history <= 2 && analytics <= 10,
        "{:?}",
        counts[0]
    );
}

async fn the_account_writes_of_the_content_feature_work_and_a_new_tiktok_account_starts_afresh(
    db: Database,
) {
    let accounts = DieselAccountRepository::new(db.clone());
    let repo = repo(&db);
    let u = user("user-1");
    accounts
        .save_connection(&connection("user-1", "open-1", "user-1", at(0, 0)))
        .await
        .unwrap();
    let profile = Profile {
        username: Some("creator".into()),
        follower_count: Some(5),
        ..Profile::default()
    };
    accounts
        .save_profile(&u, &gen_of(&u), &profile, at(1, 0))
        .await
        .unwrap();
    accounts
        .save_scopes(&u, &scopes("user.info.basic"), at(2, 0))
        .await
        .unwrap();
    let found = accounts.find_by_user(&u).await.unwrap().unwrap();
    assert_eq!(found.scopes, scopes("user.info.basic"));
    assert_eq!(found.grant.unwrap().scopes, scopes("user.info.basic"));

    accounts
        .disconnect(
            &u,
            DisconnectCause::TikTok(DisconnectReason::AccountDeleted),
            at(3, 0),
        )
        .await
        .unwrap();
    accounts.erase_profile(&u).await.unwrap();
    let tombstone = accounts.find_by_user(&u).await.unwrap().unwrap();
    assert_eq!(
        (tombstone.profile, tombstone.last_sync_at),
        (Profile::default(), None)
    );
    assert_eq!(
        tombstone.disconnect_reason,
        Some(DisconnectReason::AccountDeleted)
    );

    // The same product user connects the first TikTok account again, syncs, then connects another
    // TikTok account: the old content is not theirs.
    accounts
        .save_connection(&connection("user-1", "open-1", "a2", at(4, 0)))
        .await
        .unwrap();
    repo.upsert_videos(&u, &generation("a2"), &[video(1, 1)], at(4, 0), at(4, 0))
        .await
        .unwrap();
    let old_analytics = Analytics {
        views_total: Some(1),
        ..Analytics::default()
    };
    repo.save_analytics(&u, &generation("a2"), &old_analytics, at(4, 0))
        .await
        .unwrap();
    accounts
        .save_connection(&connection("user-1", "open-2", "b", at(5, 0)))
        .await
        .unwrap();
    let all = VideoQuery {
        sort: VideoSort::Newest,
        limit: 10,
        after: None,
    };
    assert!(repo.list_videos(&u, &all).await.unwrap().videos.is_empty());
    let (_, kept) = accounts.find_with_analytics(&u).await.unwrap().unwrap();
    assert_eq!(kept, None, "nor are the analytics kept of it");

    repo.upsert_videos(&u, &generation("b"), &[video(1, 1)], at(6, 0), at(6, 0))
        .await
        .unwrap();
    assert!(accounts.delete_account(&u).await.unwrap());
    assert!(accounts.find_by_user(&u).await.unwrap().is_none());
    assert!(
        repo.list_videos(&u, &all).await.unwrap().videos.is_empty(),
        "deleting the row purges"
    );
    assert!(!accounts.delete_account(&u).await.unwrap());
}

//! Erasure that really erases: every write of a sync carries its connection generation, and storage refuses
//! it, writing nothing, once that connection ended (disconnect, reconnect, erasure). Run on SQLite and on
//! PostgreSQL.
#![cfg(test)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{at, connection, generation, user};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselContentRepository};
use tiktok_domain::analytics::Analytics;
use tiktok_domain::content::{
    HistoryInterval, HistoryPeriod, ProfileCounts, ProfileSnapshot, VideoQuery, VideoSort,
    VideoSyncEnd, VideoSyncState,
};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::ports::{AccountRepository, ContentRepository, RepositoryError, Video};
use tiktok_domain::{ConnectionGeneration, Profile, UserId};

on_both_backends!(
    after_a_disconnect_every_write_of_the_connection_is_refused_and_changes_nothing,
    after_a_reconnect_only_the_new_connection_writes,
    after_the_account_is_erased_no_write_of_it_lands,
    a_sync_writing_while_its_account_is_purged_leaves_nothing_behind,
);

fn video(n: u32) -> Video {
    Video {
        id: format!("{}", 7_300_000_000_000_000_000u64 + u64::from(n)),
        create_time: Some((at(0, 0) - Duration::hours(i64::from(n))).timestamp()),
        view_count: Some(1_000),
        ..Video::default()
    }
}

fn snapshot(recorded_at: DateTime<Utc>) -> ProfileSnapshot {
    ProfileSnapshot {
        bucket_start: HistoryPeriod::default().bucket_of(recorded_at),
        recorded_at,
        counts: ProfileCounts {
            follower_count: Some(10),
            ..ProfileCounts::default()
        },
    }
}

fn profile() -> Profile {
    Profile {
        username: Some("star".into()),
        follower_count: Some(10),
        ..Profile::default()
    }
}

/// Every write a sync makes, with `generation`; answers what each returned, by name.
async fn every_write(
    db: &Database,
    u: &UserId,
    generation: &ConnectionGeneration,
) -> Vec<(&'static str, Result<(), RepositoryError>)> {
    let (accounts, content) = (
        DieselAccountRepository::new(db.clone()),
        DieselContentRepository::new(db.clone()),
    );
    let end = VideoSyncEnd {
        at: at(50, 0),
        complete_listing_since: Some(at(40, 0)),
        resume: None,
    };
    let analytics = Analytics {
        views_total: Some(1_000),
        ..Analytics::default()
    };
    vec![
        (
            "save_profile",
            accounts
                .save_profile(u, generation, &profile(), at(40, 0))
                .await
                .map(drop),
        ),
        (
            "record_profile_snapshot",
            content
                .record_profile_snapshot(u, generation, &snapshot(at(40, 0)))
                .await,
        ),
        (
            "upsert_videos",
            content
                .upsert_videos(u, generation, &[video(1), video(2)], at(40, 0), at(40, 0))
                .await
                .map(drop),
        ),
        (
            "finish_video_sync",
            content
                .finish_video_sync(u, generation, &end)
                .await
                .map(drop),
        ),
        (
            "save_analytics",
            content
                .save_analytics(u, generation, &analytics, at(50, 0))
                .await,
        ),
    ]
}

fn assert_all_refused(results: Vec<(&'static str, Result<(), RepositoryError>)>) {
    for (write, result) in results {
        assert!(
            matches!(result, Err(RepositoryError::NotFound)),
            "{write} of an ended connection must be refused with NotFound: {result:?}"
        );
    }
}

/// No video, snapshot, video sync state or kept analytics of `u` is stored.
async fn assert_no_content(db: &Database, u: &UserId) {
    let content = DieselContentRepository::new(db.clone());
    let all = VideoQuery {
        sort: VideoSort::Newest,
        limit: 100,
        after: None,
    };
    let videos = content.list_videos(u, &all).await.unwrap().videos;
    assert!(videos.is_empty(), "videos stored: {videos:?}");
    let history = content
        .profile_history(u, at(-86_400, 0), at(86_400, 0), HistoryInterval::Day)
        .await
        .unwrap();
    assert!(history.is_empty(), "profile snapshots stored: {history:?}");
    let state = content.video_sync_state(u).await.unwrap();
    assert_eq!(
        state,
        VideoSyncState::default(),
        "a video sync state stored"
    );
    let kept = DieselAccountRepository::new(db.clone())
        .find_with_analytics(u)
        .await
        .unwrap()
        .and_then(|(_, kept)| kept);
    assert_eq!(kept, None, "analytics kept");
}

async fn after_a_disconnect_every_write_of_the_connection_is_refused_and_changes_nothing(
    db: Database,
) {
    let accounts = DieselAccountRepository::new(db.clone());
    let u = user("user-1");
    let connected = accounts
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .unwrap();
    assert_eq!(connected.generation, Some(generation("a")));
    accounts
        .disconnect(&u, DisconnectCause::UserRequest, at(1, 0))
        .await
        .unwrap();

    assert_all_refused(every_write(&db, &u, &generation("a")).await);

    assert_no_content(&db, &u).await;
    let row = accounts.find_by_user(&u).await.unwrap().unwrap();
    assert_eq!(
        row.generation, None,
        "a disconnected account has no connection"
    );
    assert_eq!(
        (row.profile, row.last_sync_at),
        (Profile::default(), None),
        "the profile was not written"
    );
}

async fn after_a_reconnect_only_the_new_connection_writes(db: Database) {
    let accounts = DieselAccountRepository::new(db.clone());
    let u = user("user-1");
    for tag in ["a", "b"] {
        // The same TikTok account, connected twice: a sync of the first connection is over.
        accounts
            .save_connection(&connection("user-1", "open-1", tag, at(0, 0)))
            .await
            .unwrap();
    }
    assert_all_refused(every_write(&db, &u, &generation("a")).await);
    assert_no_content(&db, &u).await;
    for (write, result) in every_write(&db, &u, &generation("b")).await {
        assert!(result.is_ok(), "{write} of the live connection: {result:?}");
    }

    // Another TikTok account: the content of open-1 is erased, and its connection writes no more.
    let switched = accounts
        .save_connection(&connection("user-1", "open-2", "c", at(60, 0)))
        .await
        .unwrap();
    assert_eq!(switched.generation, Some(generation("c")));
    assert_all_refused(every_write(&db, &u, &generation("b")).await);
    assert_no_content(&db, &u).await;
    let row = accounts.find_by_user(&u).await.unwrap().unwrap();
    assert_eq!(row.profile, Profile::default(), "open-1's profile is gone");
}

async fn after_the_account_is_erased_no_write_of_it_lands(db: Database) {
    let accounts = DieselAccountRepository::new(db.clone());
    let content = DieselContentRepository::new(db.clone());
    let u = user("user-1");
    accounts
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .unwrap();
    for (write, result) in every_write(&db, &u, &generation("a")).await {
        assert!(result.is_ok(), "{write} of the live connection: {result:?}");
    }
    // What `DELETE disconnect?purge=true` does.
    accounts
        .disconnect(&u, DisconnectCause::UserRequest, at(100, 0))
        .await
        .unwrap();
    content.purge(&u).await.unwrap();
    assert!(accounts.delete_account(&u).await.unwrap());

    assert_all_refused(every_write(&db, &u, &generation("a")).await);
    assert_no_content(&db, &u).await;
    assert_eq!(accounts.find_by_user(&u).await.unwrap(), None);
}

async fn a_sync_writing_while_its_account_is_purged_leaves_nothing_behind(db: Database) {
    let accounts = DieselAccountRepository::new(db.clone());
    let content = Arc::new(DieselContentRepository::new(db.clone()));
    let u = user("user-1");
    accounts
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .unwrap();
    let (first_page, stored) = tokio::sync::oneshot::channel();
    let writer = {
        let (content, u) = (Arc::clone(&content), u.clone());
        tokio::spawn(async move {
            let mut first_page = Some(first_page);
            for page in 0..200u32 {
                let videos: Vec<Video> = (0..20).map(|i| video(page * 20 + i)).collect();
                content
                    .upsert_videos(&u, &generation("a"), &videos, at(1, 0), at(1, 0))
                    .await?;
                if let Some(signal) = first_page.take() {
                    signal.send(()).unwrap();
                }
            }
            Ok(())
        })
    };

    stored.await.expect("the first page is stored");
    accounts
        .disconnect(&u, DisconnectCause::UserRequest, at(2, 0))
        .await
        .unwrap();
    content.purge(&u).await.unwrap();
    accounts.delete_account(&u).await.unwrap();
    let ended = writer.await.unwrap();

    assert!(
        matches!(ended, Err(RepositoryError::NotFound)),
        "the sync's writes are refused once its account is purged: {ended:?}"
    );
    assert_no_content(&db, &u).await;
}

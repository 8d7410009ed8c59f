//! Erasure that really erases: a sync carries the connection generation of the account it read into
//! every write, and stops at once, answering `not_connected`, when storage refuses one (the connection
//! ended meanwhile: a disconnect, a purge, a reconnect).

use chrono::Duration;

use super::support::*;
use crate::account::{ConnectionGeneration, TikTokAccount};
use crate::content::UpsertReport;
use crate::ports::{RepositoryError, Video, VideoPage};
use crate::usecases::ServiceError;
use crate::values::Scope;

/// The generation of the account these tests sync: not the default one, so that a write carrying
/// anything else is noticed.
fn seventh() -> ConnectionGeneration {
    ConnectionGeneration::new("generation-7".into())
}

fn account_of_the_seventh_connection() -> TikTokAccount {
    let mut account = connected_account().build();
    account.generation = Some(seventh());
    account
}

/// A page of TikTok's video list with two recent videos.
fn page(has_more: bool) -> VideoPage {
    VideoPage {
        videos: (1..=2)
            .map(|n| Video {
                id: format!("730000000000000000{n}"),
                create_time: Some((now() - Duration::days(1)).timestamp()),
                view_count: Some(100),
                ..Video::default()
            })
            .collect(),
        cursor: 1,
        has_more,
    }
}

/// The account is read, TikTok answers the profile, and the profile is stored under the seventh
/// generation, answering `saved` (or refused, with `saved` `None`).
fn profile_read_and_saved(mocks: &mut Mocks, saved: Option<TikTokAccount>) {
    mocks.account_is(Some(account_of_the_seventh_connection()));
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Ok(user_info()));
    mocks
        .accounts
        .expect_save_profile()
        .withf(|user_id, g, _, _| user_id == &user() && g == &seventh())
        .times(1)
        .return_once(move |_, _, _, _| saved.ok_or(RepositoryError::NotFound));
}

fn refused<T>() -> Result<T, RepositoryError> {
    Err(RepositoryError::NotFound)
}

#[tokio::test]
async fn a_sync_carries_the_generation_of_the_account_it_read_into_every_write() {
    // Arrange
    let mut mocks = Mocks::default();
    profile_read_and_saved(&mut mocks, Some(account_of_the_seventh_connection()));
    mocks
        .content
        .expect_record_profile_snapshot()
        .withf(|user_id, g, _| user_id == &user() && g == &seventh())
        .times(1)
        .returning(|_, _, _| Ok(()));
    mocks
        .content
        .expect_video_sync_state()
        .returning(|_| Ok(Default::default()));
    mocks
        .data
        .expect_list_videos()
        .times(1)
        .returning(|_, _, _| Ok(page(false)));
    mocks
        .content
        .expect_upsert_videos()
        .withf(|user_id, g, videos, _, _| {
            user_id == &user() && g == &seventh() && videos.len() == 2
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(UpsertReport::default()));
    mocks
        .content
        .expect_finish_video_sync()
        .withf(|user_id, g, _| user_id == &user() && g == &seventh())
        .times(1)
        .returning(|_, _, _| Ok(0));
    mocks
        .content
        .expect_analytics_data()
        .returning(|_, _| Ok(Default::default()));
    mocks
        .content
        .expect_save_analytics()
        .withf(|user_id, g, _, _| user_id == &user() && g == &seventh())
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let service = mocks.service();

    // Act
    let report = service.syncs().sync_report(&creator(), &user()).await;

    // Assert
    assert!(report.is_ok(), "{report:?}");
}

#[tokio::test]
async fn a_refused_video_page_stops_the_sync_at_once_and_it_answers_not_connected() {
    // Arrange: TikTok has more pages, but storage refuses the first (the account was purged meanwhile).
    let mut mocks = Mocks::default();
    profile_read_and_saved(&mut mocks, Some(account_of_the_seventh_connection()));
    mocks
        .content
        .expect_record_profile_snapshot()
        .returning(|_, _, _| Ok(()));
    mocks
        .content
        .expect_video_sync_state()
        .returning(|_| Ok(Default::default()));
    mocks
        .data
        .expect_list_videos()
        .times(1)
        .returning(|_, _, _| Ok(page(true)));
    mocks
        .content
        .expect_upsert_videos()
        .times(1)
        .returning(|_, _, _, _, _| refused());
    mocks.content.expect_finish_video_sync().never();
    mocks.content.expect_analytics_data().never();
    mocks.content.expect_save_analytics().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert: no second page asked for, nothing more written.
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn a_refused_profile_ends_the_sync_before_any_other_write() {
    // Arrange
    let mut mocks = Mocks::default();
    profile_read_and_saved(&mut mocks, None);
    mocks.content.expect_record_profile_snapshot().never();
    mocks.content.expect_video_sync_state().never();
    mocks.data.expect_list_videos().never();
    mocks.content.expect_save_analytics().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync_report(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn a_refused_history_snapshot_ends_the_sync_before_the_videos() {
    // Arrange
    let mut mocks = Mocks::default();
    profile_read_and_saved(&mut mocks, Some(account_of_the_seventh_connection()));
    mocks
        .content
        .expect_record_profile_snapshot()
        .times(1)
        .returning(|_, _, _| refused());
    mocks.content.expect_purge_history_before().never();
    mocks.content.expect_video_sync_state().never();
    mocks.data.expect_list_videos().never();
    mocks.content.expect_analytics_data().never();
    mocks.content.expect_save_analytics().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn a_refused_end_of_the_video_sync_ends_the_sync_before_the_analytics() {
    // Arrange
    let mut mocks = Mocks::default();
    profile_read_and_saved(&mut mocks, Some(account_of_the_seventh_connection()));
    mocks
        .content
        .expect_record_profile_snapshot()
        .returning(|_, _, _| Ok(()));
    mocks
        .content
        .expect_video_sync_state()
        .returning(|_| Ok(Default::default()));
    mocks
        .data
        .expect_list_videos()
        .returning(|_, _, _| Ok(VideoPage::default()));
    mocks
        .content
        .expect_finish_video_sync()
        .times(1)
        .returning(|_, _, _| refused());
    mocks.content.expect_analytics_data().never();
    mocks.content.expect_save_analytics().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn refused_analytics_make_the_sync_answer_not_connected() {
    // Arrange: the purge lands between the last page and the analytics.
    let mut mocks = Mocks::default();
    let mut account = account_of_the_seventh_connection();
    account.scopes = scopes().without(Scope::VIDEO_LIST);
    mocks.account_is(Some(account.clone()));
    mocks
        .data
        .expect_user_info()
        .returning(|_, _| Ok(user_info()));
    mocks
        .accounts
        .expect_save_profile()
        .return_once(move |_, _, _, _| Ok(account));
    mocks
        .content
        .expect_record_profile_snapshot()
        .returning(|_, _, _| Ok(()));
    mocks
        .content
        .expect_analytics_data()
        .returning(|_, _| Ok(Default::default()));
    mocks
        .content
        .expect_save_analytics()
        .withf(|_, g, _, _| g == &seventh())
        .times(1)
        .returning(|_, _, _, _| refused());
    let service = mocks.service();

    // Act
    let result = service.syncs().sync_report(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn metrics_computed_on_read_are_kept_only_for_the_connection_read() {
    // Arrange: nothing kept yet; the account is purged between the read and the write.
    let mut mocks = Mocks::default();
    mocks
        .accounts
        .expect_find_with_analytics()
        .returning(|_| Ok(Some((account_of_the_seventh_connection(), None))));
    mocks
        .content
        .expect_analytics_data()
        .returning(|_, _| Ok(Default::default()));
    mocks
        .content
        .expect_save_analytics()
        .withf(|_, g, _, _| g == &seventh())
        .times(1)
        .returning(|_, _, _, _| refused());
    let service = mocks.service();

    // Act
    let result = service.reads().metrics_report(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn an_account_without_a_connection_generation_is_not_synced() {
    // Arrange: a row that claims to be connected but has no generation (a hand-edited row).
    let mut mocks = Mocks::default();
    let mut account = connected_account().build();
    account.generation = None;
    mocks.account_is(Some(account));
    mocks.data.expect_user_info().never();
    mocks.accounts.expect_save_profile().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

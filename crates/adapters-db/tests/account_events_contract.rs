//! The account repository writes each change's event in the change's own transaction, on SQLite and
//! PostgreSQL: connect, sync, reauthorization and disconnect each append one event; a change that does not
//! happen appends none; and when the event cannot be written, the change is rolled back with it.
#![cfg(test)]

mod common;

use common::{at, connection, generation, refresh_of, user};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use serde_json::{json, Value};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselEventOutbox};
use tiktok_domain::events::{account_events, DisconnectCause, EventOutbox};
use tiktok_domain::ports::{AccountRepository, AccountSchedule, RepositoryError};
use tiktok_domain::{DisconnectReason, Profile, ReauthReason};
use tiktok_test_db::{Backend, TestDatabase};

/// Runs `test` on a fresh SQLite file and a fresh PostgreSQL database, handing it the database too (for
/// the hand-made fault of the rollback test).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::run(tiktok_test_db::Backend::Sqlite, super::$name).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::run(tiktok_test_db::Backend::Postgres, super::$name).await
            }
        }
    )*};
}

on_both!(
    each_account_change_appends_its_event_in_order,
    a_change_that_does_not_happen_appends_no_event,
    a_change_whose_event_cannot_be_written_is_rolled_back,
    reauth_due_is_reported_once_per_grant,
);

async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Database, TestDatabase) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(file) = TestDatabase::create(backend) else {
        return;
    };
    let db = Database::connect(file.url(), common::contract_pool()).expect("pool");
    db.run_migrations().await.expect("migrations");
    test(db, file).await;
}

/// Every envelope in the feed, oldest first.
async fn events(db: &Database) -> Vec<Value> {
    let page = DieselEventOutbox::new(db.clone())
        .feed(None, 1000, None)
        .await
        .expect("feed");
    page.events
        .iter()
        .map(|e| serde_json::from_str(&e.body).expect("an envelope"))
        .collect()
}

fn profile(followers: i64, videos: i64) -> Profile {
    Profile {
        union_id: Some("union".into()),
        username: Some("creator".into()),
        display_name: Some("Creator".into()),
        avatar_url: None,
        follower_count: Some(followers),
        following_count: Some(3),
        like_count: Some(100),
        video_count: Some(videos),
    }
}

async fn each_account_change_appends_its_event_in_order(db: Database, _: TestDatabase) {
    let repo = DieselAccountRepository::new(db.clone());
    let u = user("user-1");
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    repo.save_profile(&u, &generation("a"), &profile(10, 2), at(1, 0))
        .await
        .expect("first sync");
    repo.save_profile(&u, &generation("a"), &profile(15, 1), at(2, 0))
        .await
        .expect("second sync");
    repo.mark_reauth_required(&u, &refresh_of("a"), ReauthReason::AccessRevoked, at(3, 0))
        .await
        .expect("marked");
    repo.disconnect(&u, DisconnectCause::UserRequest, at(4, 0))
        .await
        .expect("disconnected");

    let all = events(&db).await;
    let types: Vec<&str> = all.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "tiktok.account.connected",
            "tiktok.account.synced",
            "tiktok.account.synced",
            "tiktok.account.reauth_required",
            "tiktok.account.disconnected",
        ]
    );
    assert!(all.iter().all(|e| e["user_id"] == "user-1"));
    assert_eq!(
        all[0]["data"],
        json!({"scopes": ["user.info.basic", "user.info.profile", "user.info.stats"]})
    );
    assert_eq!(all[1]["data"]["changes"], Value::Null, "the first sync");
    assert_eq!(all[1]["data"]["follower_count"], 10);
    assert_eq!(
        all[2]["data"]["changes"],
        json!({"follower_count": 5, "following_count": 0, "like_count": 0, "video_count": -1})
    );
    assert_eq!(all[3]["data"], json!({"reason": "access_revoked"}));
    assert_eq!(all[4]["data"], json!({"reason": "user_request"}));
    assert_eq!(all[4]["occurred_at"], "2026-11-25T12:00:04.000Z");
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.contains("sealed"), "no token in any event: {text}");

    // Reconnected, then removed at TikTok: TikTok's reason; erased later: nothing more (already ended).
    repo.save_connection(&connection("user-1", "open-1", "b", at(5, 0)))
        .await
        .expect("reconnected");
    repo.disconnect(
        &u,
        DisconnectCause::TikTok(DisconnectReason::AccountBanned),
        at(6, 0),
    )
    .await
    .expect("removed");
    let all = events(&db).await;
    assert_eq!(all.len(), 7);
    assert_eq!(all[6]["data"], json!({"reason": "account_banned"}));
    assert_eq!(
        repo.find_by_user(&u)
            .await
            .unwrap()
            .unwrap()
            .disconnect_reason,
        Some(DisconnectReason::AccountBanned)
    );
}

async fn a_change_that_does_not_happen_appends_no_event(db: Database, _: TestDatabase) {
    let repo = DieselAccountRepository::new(db.clone());
    let u = user("user-1");
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    assert_eq!(events(&db).await.len(), 1);

    // Another user taking an active open_id: refused, nothing written.
    let taken = repo
        .save_connection(&connection("user-2", "open-1", "x", at(1, 0)))
        .await;
    assert!(matches!(taken, Err(RepositoryError::Conflict)), "{taken:?}");
    // A sync of an ended connection, a refusal of a grant no longer stored: nothing written.
    let stale = repo
        .save_profile(&u, &generation("old"), &profile(1, 1), at(2, 0))
        .await;
    assert!(matches!(stale, Err(RepositoryError::NotFound)), "{stale:?}");
    let stale = repo
        .mark_reauth_required(&u, &refresh_of("old"), ReauthReason::Unknown, at(3, 0))
        .await;
    assert!(matches!(stale, Err(RepositoryError::NotFound)), "{stale:?}");
    assert_eq!(events(&db).await.len(), 1);

    // A disconnect of an account already disconnected (TikTok's webhook after the user's request).
    repo.disconnect(&u, DisconnectCause::Purged, at(4, 0))
        .await
        .expect("disconnected");
    repo.disconnect(
        &u,
        DisconnectCause::TikTok(DisconnectReason::UserDisconnected),
        at(5, 0),
    )
    .await
    .expect("nothing to do");
    let all = events(&db).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["data"], json!({"reason": "purged"}));
}

/// Runs `sql` on a connection of its own, outside the repository.
fn by_hand(file: &TestDatabase, sql: &str) {
    match file.backend() {
        Backend::Sqlite => {
            let path = file.sqlite_path().expect("a SQLite file");
            let mut raw = SqliteConnection::establish(&path.display().to_string()).expect("raw");
            raw.batch_execute(&format!("PRAGMA busy_timeout = 5000; {sql}"))
                .expect("hand edit");
        }
        Backend::Postgres => {
            let mut raw = PgConnection::establish(file.url()).expect("raw");
            raw.batch_execute(sql).expect("hand edit");
        }
    }
}

/// With the events table out of the way, every change fails, and none of them is left half-done: the
/// account row is as it was before each.
async fn a_change_whose_event_cannot_be_written_is_rolled_back(db: Database, file: TestDatabase) {
    let repo = DieselAccountRepository::new(db.clone());
    let u = user("user-1");
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    by_hand(&file, "ALTER TABLE events RENAME TO events_away");

    assert!(repo
        .save_connection(&connection("user-2", "open-2", "b", at(1, 0)))
        .await
        .is_err());
    assert!(repo.find_by_user(&user("user-2")).await.unwrap().is_none());
    assert!(repo
        .save_profile(&u, &generation("a"), &profile(10, 2), at(2, 0))
        .await
        .is_err());
    assert!(repo
        .mark_reauth_required(&u, &refresh_of("a"), ReauthReason::Unknown, at(3, 0))
        .await
        .is_err());
    assert!(repo
        .disconnect(&u, DisconnectCause::UserRequest, at(4, 0))
        .await
        .is_err());
    let account = repo.find_by_user(&u).await.unwrap().expect("the row");
    assert!(account.grant.is_some(), "tokens kept: nothing committed");
    assert_eq!(account.state, tiktok_domain::ConnectionState::Connected);
    assert!(account.last_sync_at.is_none(), "no profile stored");

    by_hand(&file, "ALTER TABLE events_away RENAME TO events");
    repo.disconnect(&u, DisconnectCause::UserRequest, at(5, 0))
        .await
        .expect("disconnected");
    let all = events(&db).await;
    assert_eq!(
        all.len(),
        2,
        "the connect and the one disconnect that committed"
    );
}

/// The refresh token of a connection made at `at(0, 0)` expires a year later; within the 14-day window it
/// is reported once, whichever replica asks; a reconnect is a new grant, reported again in its own time.
async fn reauth_due_is_reported_once_per_grant(db: Database, _: TestDatabase) {
    let repo = DieselAccountRepository::new(db.clone());
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    let window = chrono::Duration::days(14);
    let early = at(0, 0) + chrono::Duration::days(300);
    assert!(repo
        .due_for_reauth_warning(early, early + window, 10)
        .await
        .unwrap()
        .is_empty());
    let now = at(0, 0) + chrono::Duration::days(355);
    let due = repo
        .due_for_reauth_warning(now, now + window, 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].generation, generation("a"));
    let expires = due[0].refresh_token_expires_at;
    let event = account_events::reauth_due(&due[0].user_id, expires, now);
    assert!(repo.record_reauth_warning(&due[0], &event).await.unwrap());
    let again = account_events::reauth_due(&due[0].user_id, expires, now);
    assert!(
        !repo.record_reauth_warning(&due[0], &again).await.unwrap(),
        "a second replica finding it too writes nothing"
    );
    assert!(repo
        .due_for_reauth_warning(now, now + window, 10)
        .await
        .unwrap()
        .is_empty());
    let all = events(&db).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["type"], "tiktok.account.reauth_due");
    assert_eq!(all[1]["data"]["reauth_due_at"], "2027-11-25T12:00:00.000Z");

    // A reconnect is a new grant: reported again when its own expiry nears, not before.
    let later = at(0, 0) + chrono::Duration::days(356);
    repo.save_connection(&connection("user-1", "open-1", "b", later))
        .await
        .expect("reconnected");
    assert!(
        repo.record_reauth_warning(&due[0], &event)
            .await
            .map(|written| !written)
            .unwrap(),
        "the old grant's warning is not written for the new one"
    );
    let next = later + chrono::Duration::days(355);
    let due = repo
        .due_for_reauth_warning(next, next + window, 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].generation, generation("b"));
}

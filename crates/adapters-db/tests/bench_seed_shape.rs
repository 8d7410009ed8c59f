//! `make bench-scale` seeds PostgreSQL with set-based INSERTs (crates/bench/scale/seed.sql) instead of the
//! repository: this proves its rows are ones the repository reads back whole (account, grant, state, sync
//! claim, videos, kept analytics), so that the scale figures are about rows of the service's own shape.
#![cfg(test)]

mod common;

use chrono::{Duration, Utc};
use common::{user, PgTestDb};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselContentRepository};
use tiktok_domain::analytics::GROWTH_DAYS;
use tiktok_domain::content::{VideoQuery, VideoSort};
use tiktok_domain::ports::{AccountRepository, AccountSchedule, ContentRepository};
use tiktok_domain::ConnectionState;

/// The seed script for `n` accounts, as one batch (psql's `:n` filled in; `VACUUM` cannot run in a batch).
fn seed_sql(n: u32) -> String {
    include_str!("../../bench/scale/seed.sql")
        .replace(":n", &n.to_string())
        .lines()
        .filter(|l| !l.starts_with("VACUUM"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_bench_seed_writes_accounts_and_videos_the_repository_reads_whole() {
    let Some(pg) = PgTestDb::create() else {
        assert!(
            std::env::var_os("REQUIRE_POSTGRES").is_none(),
            "REQUIRE_POSTGRES is set but PostgreSQL is not reachable"
        );
        return;
    };
    let db = Database::connect(&pg.url, common::contract_pool()).expect("pool");
    db.run_migrations().await.expect("migrations");
    let mut conn = PgConnection::establish(&pg.url).expect("connection");
    conn.batch_execute(&seed_sql(3)).expect("seeded");

    let accounts = DieselAccountRepository::new(db.clone());
    for i in 1..=3 {
        let account = accounts
            .find_by_user(&user(&format!("user-{i}")))
            .await
            .expect("read")
            .expect("seeded account");
        assert_eq!(account.state, ConnectionState::Connected);
        assert!(account.grant.is_some(), "the grant reads back");
        assert_eq!(account.profile.video_count, Some(20));
        assert!(account.last_sync_at.is_some());

        // The kept analytics parse in the repository's layout (an unreadable body would read as missing,
        // and the metrics read would quietly compute them instead: the path the seed is there to avoid).
        let (_, kept) = accounts
            .find_with_analytics(&user(&format!("user-{i}")))
            .await
            .expect("read")
            .expect("seeded account");
        let analytics = kept.expect("the seeded analytics read back");
        assert_eq!(
            analytics
                .growth
                .iter()
                .map(|(days, _)| *days)
                .collect::<Vec<_>>(),
            GROWTH_DAYS
        );
        assert!(analytics.growth.iter().all(|(_, g)| g.is_some()));
        assert_eq!(analytics.top_videos.len(), 5);
        let views: Vec<_> = analytics
            .top_videos
            .iter()
            .map(|v| v.video.view_count)
            .collect();
        assert!(views.windows(2).all(|w| w[0] >= w[1]), "most viewed first");
        assert!(analytics.views_total >= views.iter().copied().sum());
        assert!(analytics.as_of.is_some() && analytics.videos_synced_at.is_some());
    }
    // The claims see them: some due now, all within the hour.
    assert!(accounts.sync_backlog(Utc::now()).await.expect("count") >= 1);
    assert_eq!(
        accounts
            .sync_backlog(Utc::now() + Duration::hours(2))
            .await
            .expect("count"),
        3
    );

    let content = DieselContentRepository::new(db);
    assert_eq!(view_counts(&content, VideoSort::Newest).await.len(), 20);
    // The keyset key of "most viewed" is the view count, as the repository writes it.
    let views = view_counts(&content, VideoSort::MostViewed).await;
    assert!(views.windows(2).all(|w| w[0] >= w[1]), "{views:?}");
}

/// The view counts of `user-2`'s videos, in `sort` order.
async fn view_counts(content: &DieselContentRepository, sort: VideoSort) -> Vec<Option<i64>> {
    let query = VideoQuery {
        sort,
        limit: 50,
        after: None,
    };
    let page = content
        .list_videos(&user("user-2"), &query)
        .await
        .expect("videos");
    page.videos.iter().map(|v| v.video.view_count).collect()
}

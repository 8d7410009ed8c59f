//! Content and analytics end to end: videos synced from the sandbox (many pages, partial scopes, deletions,
//! counts going down), the videos, history and metrics endpoints, their query counts, and purging.

mod erasure_race;
mod purge;
mod reads;
mod sync;

use reqwest::Method;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::TestApp;
use tiktok_sandbox::Endpoint;

const BASE: &str = "/api/v1/integrations/tiktok";

/// `GET` or `POST` a path of the API as `user`.
async fn call(app: &TestApp, method: Method, path: &str, user: &str) -> Answer {
    app.call(method, &format!("{BASE}{path}"), user).await
}

/// Syncs `user` and returns the answer and how many video list calls it made.
async fn sync(app: &TestApp, user: &str) -> (Answer, u64) {
    let before = app.sandbox.request_count(Endpoint::VideoList);
    let answer = call(app, Method::POST, &format!("/sync/{user}"), user).await;
    assert_eq!(answer.status, 200, "sync: {}", answer.text);
    (
        answer,
        app.sandbox.request_count(Endpoint::VideoList) - before,
    )
}

/// Every stored video of `user` (ids), following `next_cursor` with pages of `limit`.
async fn all_video_ids(app: &TestApp, user: &str, sort: &str, limit: u32) -> Vec<String> {
    let (mut ids, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let mut path = format!("/videos/{user}?limit={limit}&sort={sort}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = call(app, Method::GET, &path, user).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for video in page.body["videos"].as_array().expect("videos") {
            ids.push(video["id"].as_str().expect("string ids").to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

/// Connects `user` as the sandbox user with only `scopes` granted.
async fn connect_with_scopes(app: &TestApp, user: &str, sandbox_user: &str, scopes: &str) {
    let init = app.init(user).await;
    let url = init.body["authorization_url"].as_str().expect("a url");
    let extra = format!("&sandbox_user={sandbox_user}&sandbox_scopes={scopes}");
    let query = app.authorize_at_tiktok(url, &extra).await;
    let connected = app.callback(user, &query).await;
    assert_eq!(connected.status, 200, "{}", connected.text);
}

/// The content tables, where everything stored of a creator's content lives.
const CONTENT_TABLES: [&str; 6] = [
    "tiktok_videos",
    "tiktok_video_snapshots",
    "tiktok_profile_snapshots",
    "tiktok_profile_rollups",
    "tiktok_video_syncs",
    "tiktok_analytics",
];

/// Rows of `table` for `user` that match `condition`, read straight from the test's database.
fn stored_rows(app: &TestApp, table: &str, user: &str, condition: &str) -> i64 {
    use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE user_id = '{user}' AND {condition}");
    let url = app.db.url();
    let counted: Vec<Count> = if app.db.is_postgres() {
        let mut conn = PgConnection::establish(url).expect("the database opens");
        diesel::sql_query(sql).load(&mut conn).expect("counted")
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        let mut conn = SqliteConnection::establish(path).expect("the database opens");
        diesel::sql_query(sql).load(&mut conn).expect("counted")
    };
    counted.first().map_or(0, |c| c.n)
}

/// Rows of every content table for `user`.
fn content_rows(app: &TestApp, user: &str) -> i64 {
    CONTENT_TABLES
        .iter()
        .map(|table| stored_rows(app, table, user, "1 = 1"))
        .sum()
}

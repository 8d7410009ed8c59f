//! The read endpoints: videos, history and the grown metrics body; their errors; their query counts.

use reqwest::Method;
use serde_json::Value;
use tiktok_integration_tests::{Backend, TestApp};

use super::{call, sync};

on_both_backends!(
    videos_history_and_metrics_run_as_many_queries_for_5000_videos_as_for_45,
    the_metrics_body_keeps_its_fields_and_adds_analytics_that_are_null_without_data,
    history_gives_one_point_per_utc_day_or_week_and_reads_offsets_as_utc,
    malformed_content_queries_are_400_and_an_unknown_user_404,
);

/// How many SQL statements the service ran to answer `path` as `user`.
async fn queries_for(app: &TestApp, path: &str, user: &str) -> (u64, Value) {
    let before = app.database.queries_executed();
    let answer = call(app, Method::GET, path, user).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text);
    (app.database.queries_executed() - before, answer.body)
}

async fn videos_history_and_metrics_run_as_many_queries_for_5000_videos_as_for_45(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for (user, sandbox_user) in [("small", "sandbox_creator"), ("large", "sandbox_star")] {
        assert_eq!(app.connect(user, sandbox_user).await.status, 200);
        sync(&app, user).await;
    }
    let mut counts = Vec::new();
    for user in ["small", "large"] {
        let started = std::time::Instant::now();
        let (videos, page) = queries_for(
            &app,
            &format!("/videos/{user}?limit=20&sort=most_viewed"),
            user,
        )
        .await;
        let cursor = page["next_cursor"].as_str().unwrap_or_default().to_owned();
        let (next, _) = queries_for(
            &app,
            &format!("/videos/{user}?limit=20&sort=most_viewed&cursor={cursor}"),
            user,
        )
        .await;
        let (history, _) = queries_for(
            &app,
            &format!("/metrics/{user}/history?from=2024-11-25"),
            user,
        )
        .await;
        let (metrics, _) = queries_for(&app, &format!("/metrics/{user}"), user).await;
        println!("{user}: queries videos {videos}, next page {next}, history {history}, metrics {metrics}; {:?}", started.elapsed());
        counts.push((videos, history, metrics));
    }
    assert_eq!(counts[0], counts[1], "no query per video or per snapshot");
    let (videos, history, metrics) = counts[0];
    assert!(
        videos <= 6 && history <= 6 && metrics == 1,
        "{:?}",
        counts[0]
    );
}

async fn the_metrics_body_keeps_its_fields_and_adds_analytics_that_are_null_without_data(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let (synced, _) = sync(&app, "42").await;
    let metrics = call(&app, Method::GET, "/metrics/42", "42").await;
    assert_eq!(
        metrics.body, synced.body,
        "sync answers the metrics body, fresh"
    );
    let body = metrics.body;
    for field in [
        "user_id",
        "follower_count",
        "following_count",
        "like_count",
        "video_count",
        "last_sync_at",
    ] {
        assert!(body.get(field).is_some(), "the contract's {field} is kept");
    }
    for window in ["d1", "d7", "d30"] {
        assert!(
            body["growth"][window].is_null(),
            "one sync: no growth over {window}"
        );
    }
    let engagement = body["engagement_rate_30d"].as_f64();
    assert!(
        engagement.is_some_and(|rate| rate > 0.0 && rate < 1.0),
        "the sandbox's videos are dated within the last days: {engagement:?}"
    );
    let top = body["top_videos"].as_array().expect("top videos");
    assert_eq!(top.len(), 5);
    let views: Vec<i64> = top
        .iter()
        .filter_map(|v| v["view_count"].as_i64())
        .collect();
    assert!(views.windows(2).all(|w| w[0] >= w[1]), "most viewed first");
    assert!(
        top[0].get("cover_image_url").is_none(),
        "cover URLs expire: never stored or shown"
    );
    let total: i64 = (1..=45).map(|n: i64| n * 1_009 % 250_000).sum();
    assert_eq!(body["views"]["total"], total);
    assert_eq!(
        body["views"]["average"],
        ((total as f64 / 45.0) * 100.0).round() / 100.0
    );
}

async fn history_gives_one_point_per_utc_day_or_week_and_reads_offsets_as_utc(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    sync(&app, "42").await;
    sync(&app, "42").await;
    let today = chrono::Utc::now().date_naive();
    let day = format!("{today}T00:00:00Z");

    let history = call(&app, Method::GET, "/metrics/42/history", "42").await;
    assert_eq!(history.status, 200, "{}", history.text);
    let points = history.body["points"].as_array().expect("points").clone();
    assert_eq!(points.len(), 1, "two syncs of one day: one point");
    assert_eq!(points[0]["start"], day.as_str());
    assert_eq!(points[0]["follower_count"], 1_000 + 45 * 37);
    assert_eq!(history.body["interval"], "day");

    // The same instant written at +14:00 is still today's UTC midnight.
    let local = (today.and_hms_opt(0, 0, 0).unwrap().and_utc() + chrono::Duration::hours(14))
        .format("%Y-%m-%dT%H:%M:%S+14:00");
    let path = format!(
        "/metrics/42/history?from={}&interval=week",
        local.to_string().replace('+', "%2B")
    );
    let weekly = call(&app, Method::GET, &path, "42").await;
    assert_eq!(weekly.status, 200, "{}", weekly.text);
    assert_eq!(weekly.body["from"], day.as_str());
    assert_eq!(weekly.body["interval"], "week");
}

async fn malformed_content_queries_are_400_and_an_unknown_user_404(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let cursor_of_newest = {
        sync(&app, "42").await;
        let page = call(&app, Method::GET, "/videos/42?limit=2", "42").await;
        page.body["next_cursor"]
            .as_str()
            .expect("a cursor")
            .to_owned()
    };
    for path in [
        "/videos/42?limit=0".to_owned(),
        "/videos/42?limit=many".to_owned(),
        "/videos/42?sort=random".to_owned(),
        "/videos/42?cursor=not-ours".to_owned(),
        format!("/videos/42?sort=most_viewed&cursor={cursor_of_newest}"),
        "/metrics/42/history?interval=month".to_owned(),
        "/metrics/42/history?from=yesterday".to_owned(),
        "/metrics/42/history?from=2026-11-25&to=2026-11-24".to_owned(),
    ] {
        let answer = call(&app, Method::GET, &path, "42").await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (400, Some("invalid_request")),
            "{path}"
        );
    }
    let purge = call(&app, Method::DELETE, "/disconnect/42?purge=yes", "42").await;
    assert_eq!(purge.error_code(), Some("invalid_request"));
    for path in ["/videos/43", "/metrics/43/history"] {
        let answer = call(&app, Method::GET, path, "43").await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (404, Some("not_connected")),
            "{path}"
        );
    }
}

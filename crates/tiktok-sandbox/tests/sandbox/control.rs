//! The operator's user switches over HTTP, fake data dated relative to now, and the avatars.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tiktok_sandbox::ProfileCounts;

use crate::common::*;

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

#[tokio::test]
async fn the_newest_video_is_from_the_last_hours_and_every_page_is_recent() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    let (status, body) = video_list(&sbx, &token, json!({"max_count": 20})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let times: Vec<i64> = body["data"]["videos"]
        .as_array()
        .expect("videos")
        .iter()
        .map(|v| v["create_time"].as_i64().expect("create_time"))
        .collect();
    let now = unix_now();
    let newest = times[0];
    assert!(
        (now - 2 * 3_600..=now).contains(&newest),
        "the newest video {newest} is within two hours before {now}"
    );
    assert!(
        times.iter().all(|t| now - t < 30 * 86_400),
        "a page of videos falls within the last 30 days"
    );
}

#[tokio::test]
async fn users_are_listed_and_their_profile_counts_can_be_changed_over_http() {
    let sbx = start();
    let http = http();
    let listed: Value = http
        .get(format!("{}/sandbox/users", sbx.base_url()))
        .send()
        .await
        .expect("users")
        .json()
        .await
        .expect("JSON");
    let users = listed["users"].as_array().expect("users");
    assert_eq!(users.len(), 3);
    assert_eq!(users[0]["username"], "sandbox_creator");
    assert_eq!(users[0]["display_name"], "Sandbox sandbox_creator");
    assert_eq!(
        users[0]["open_id"].as_str(),
        sbx.open_id_of("sandbox_creator").as_deref()
    );

    let token = s(&connect(&sbx, &[]).await, "access_token");
    let fields = "follower_count,following_count,likes_count,video_count";
    let before = user_info(&sbx, &token, fields).await.1["data"]["user"].clone();
    let changed = http
        .post(format!(
            "{}/sandbox/users/sandbox_creator/counts",
            sbx.base_url()
        ))
        .json(&json!({"follower_count": 5_000, "likes_count": 77}))
        .send()
        .await
        .expect("counts");
    assert_eq!(changed.status(), StatusCode::OK);
    let after = user_info(&sbx, &token, fields).await.1["data"]["user"].clone();
    assert_eq!(after["follower_count"], 5_000);
    assert_eq!(after["likes_count"], 77);
    assert_eq!(
        after["following_count"], before["following_count"],
        "unchanged"
    );
    assert_eq!(after["video_count"], before["video_count"], "unchanged");

    assert!(sbx.set_profile_counts(
        "sandbox_creator",
        ProfileCounts {
            video_count: Some(3),
            ..ProfileCounts::default()
        }
    ));
    let again = user_info(&sbx, &token, fields).await.1["data"]["user"].clone();
    assert_eq!(
        (
            again["video_count"].clone(),
            again["follower_count"].clone()
        ),
        (json!(3), json!(5_000))
    );

    let unknown = http
        .post(format!("{}/sandbox/users/nobody/counts", sbx.base_url()))
        .json(&json!({"follower_count": 1}))
        .send()
        .await
        .expect("counts");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    for bad in [
        json!({"follower_count": "many"}),
        json!({"followers": 1}),
        json!([1]),
    ] {
        let refused = http
            .post(format!(
                "{}/sandbox/users/sandbox_creator/counts",
                sbx.base_url()
            ))
            .json(&bad)
            .send()
            .await
            .expect("counts");
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn avatar_urls_point_at_an_svg_the_sandbox_serves() {
    let sbx = start();
    let token = s(&connect(&sbx, &[]).await, "access_token");
    let info = user_info(&sbx, &token, "avatar_url").await.1;
    let url = info["data"]["user"]["avatar_url"]
        .as_str()
        .expect("avatar_url");
    assert!(
        url.starts_with(&format!(
            "{}/sandbox/avatars/sandbox_creator.svg",
            sbx.base_url()
        )),
        "{url}"
    );
    let avatar = http().get(url).send().await.expect("avatar");
    assert_eq!(avatar.status(), StatusCode::OK);
    assert_eq!(avatar.headers()["content-type"], "image/svg+xml");
    assert!(avatar.text().await.expect("svg").starts_with("<svg"));
    let unknown = http()
        .get(format!("{}/sandbox/avatars/nobody.svg", sbx.base_url()))
        .send()
        .await
        .expect("avatar");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

//! Pacing through the request budget, and the bounds on retries.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tiktok_domain::pacing::{InMemoryRequestBudget, Pacing};
use tiktok_domain::ports::{
    Admission, ApiEndpoint, BudgetError, RequestBudget, TikTokApiError, TikTokData, TikTokOAuth,
};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

use crate::common::*;

fn budget(per_minute: u32) -> Arc<InMemoryRequestBudget> {
    Arc::new(InMemoryRequestBudget::new(Pacing::per_minute(per_minute)))
}

#[tokio::test]
async fn a_spent_budget_answers_rate_limited_without_sending_a_request() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| c.pacing_max_wait = Duration::from_millis(50))
        .with_request_budget(budget(1));
    let grant = connect(&client, ALL_SCOPES, &[]).await;

    client
        .user_info(&grant.access_token, &grant.scopes)
        .await
        .expect("the first request has a slot");
    let second = client.user_info(&grant.access_token, &grant.scopes).await;

    match second {
        Err(TikTokApiError::RateLimited {
            retry_after: Some(wait),
        }) => assert!(wait > Duration::from_secs(50), "{wait:?}"),
        other => panic!("expected RateLimited with a wait, got {other:?}"),
    }
    assert_eq!(sbx.request_count(Endpoint::UserInfo), 1, "nothing sent");
    client
        .list_videos(&grant.access_token, None, 5)
        .await
        .expect("another endpoint has its own budget");
}

#[tokio::test]
async fn requests_over_the_per_second_share_wait_for_a_slot_and_then_go() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| c.pacing_max_wait = Duration::from_secs(3))
        .with_request_budget(budget(600));
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    let started = Instant::now();

    for _ in 0..11 {
        client
            .user_info(&grant.access_token, &grant.scopes)
            .await
            .expect("paced, not refused");
    }

    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the eleventh request waited for the next second"
    );
    assert_eq!(sbx.request_count(Endpoint::UserInfo), 11);
}

#[tokio::test]
async fn token_requests_are_not_paced_by_the_display_budget() {
    let sbx = sandbox();
    let client = client(&sbx).with_request_budget(budget(1));
    let mut grant = connect(&client, ALL_SCOPES, &[]).await;
    for _ in 0..3 {
        grant = client
            .refresh(&grant.refresh_token)
            .await
            .expect("a refresh is never held back by the Display API budget");
    }
    assert_eq!(
        sbx.request_count(Endpoint::Token),
        4,
        "one exchange, three refreshes"
    );
}

#[tokio::test]
async fn retries_stop_once_the_total_retry_time_is_spent() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| {
        c.read_retries = 50;
        c.retry_base_delay = Duration::from_millis(100);
        c.retry_max_total = Duration::from_millis(400);
    });
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    sbx.inject_fault(Fault::new(FaultKind::InternalError).on(Endpoint::UserInfo));
    let started = Instant::now();

    let result = client.user_info(&grant.access_token, &grant.scopes).await;

    assert!(matches!(result, Err(TikTokApiError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        sbx.request_count(Endpoint::UserInfo) < 51,
        "bounded in time before count"
    );
}

/// A budget whose storage fails its first `failures` admissions, then grants every slot.
struct FlakyBudget {
    failures: std::sync::atomic::AtomicU32,
}

#[async_trait::async_trait]
impl RequestBudget for FlakyBudget {
    async fn try_acquire(&self, _endpoint: ApiEndpoint) -> Result<Admission, BudgetError> {
        use std::sync::atomic::Ordering;
        let left = self.failures.load(Ordering::SeqCst);
        if left > 0 {
            self.failures.store(left - 1, Ordering::SeqCst);
            return Err(BudgetError::Unavailable("the database is down".into()));
        }
        Ok(Admission::Granted)
    }
}

fn flaky(failures: u32) -> Arc<FlakyBudget> {
    Arc::new(FlakyBudget {
        failures: std::sync::atomic::AtomicU32::new(failures),
    })
}

#[tokio::test]
async fn an_unreadable_budget_sends_nothing_and_answers_budget_unavailable() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| c.pacing_max_wait = Duration::from_millis(400))
        .with_request_budget(flaky(u32::MAX));
    let grant = connect(&client, ALL_SCOPES, &[]).await;
    let started = Instant::now();

    let info = client.user_info(&grant.access_token, &grant.scopes).await;
    let page = client.list_videos(&grant.access_token, None, 5).await;

    assert!(
        matches!(info, Err(TikTokApiError::BudgetUnavailable(_))),
        "{info:?}"
    );
    assert!(
        matches!(page, Err(TikTokApiError::BudgetUnavailable(_))),
        "{page:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "each asked again within its wait"
    );
    assert_eq!(sbx.request_count(Endpoint::UserInfo), 0, "nothing unpaced");
    assert_eq!(sbx.request_count(Endpoint::VideoList), 0, "nothing unpaced");
}

#[tokio::test]
async fn a_budget_back_within_the_wait_lets_the_request_go() {
    let sbx = sandbox();
    let client = client_with(&sbx, |c| c.pacing_max_wait = Duration::from_secs(3))
        .with_request_budget(flaky(2));
    let grant = connect(&client, ALL_SCOPES, &[]).await;

    client
        .user_info(&grant.access_token, &grant.scopes)
        .await
        .expect("paced once the budget answers");

    assert_eq!(sbx.request_count(Endpoint::UserInfo), 1);
}

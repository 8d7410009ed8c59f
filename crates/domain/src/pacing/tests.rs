//! The pacing arithmetic, and the in-memory budget over a simulated hour of paused tokio time.

use std::time::Duration;

use super::{InMemoryRequestBudget, Pacing};
use crate::ports::{Admission, ApiEndpoint, BudgetError, RequestBudget};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// The most requests found in any window of `width` ending at one of the instants (sorted).
fn busiest_window(instants: &[Duration], width: Duration) -> usize {
    let mut start = 0;
    let mut most = 0;
    for end in 0..instants.len() {
        while instants[start] + width <= instants[end] {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
}

#[test]
fn a_request_waits_until_the_oldest_one_in_the_full_window_leaves_it() {
    let pacing = Pacing::per_minute(3);
    let taken = [secs(0.0), secs(10.0), secs(20.0)];
    assert_eq!(pacing.wait(&taken[..2], secs(30.0)), None);
    assert_eq!(pacing.wait(&taken, secs(30.0)), Some(secs(30.0)));
    assert_eq!(
        pacing.wait(&taken, secs(60.0)),
        None,
        "the first left at 60 s"
    );
}

#[test]
fn requests_older_than_the_window_and_the_order_of_the_history_do_not_matter() {
    let pacing = Pacing::per_minute(2);
    let taken = [secs(50.0), secs(1.0), secs(45.0)];
    assert_eq!(pacing.wait(&taken, secs(70.0)), Some(secs(35.0)));
}

#[test]
fn a_second_holds_at_most_a_sixtieth_of_the_minute_rounded_up() {
    let pacing = Pacing::per_minute(600);
    assert_eq!(pacing.per_second(), 10);
    assert_eq!(Pacing::per_minute(10).per_second(), 1);
    let burst: Vec<Duration> = (0..10).map(|i| secs(5.0 + f64::from(i) * 0.01)).collect();
    assert_eq!(pacing.wait(&burst, secs(5.5)), Some(secs(0.5)));
}

#[test]
fn a_limit_of_zero_switches_pacing_off() {
    let taken = vec![secs(1.0); 1_000];
    assert_eq!(Pacing::per_minute(0).wait(&taken, secs(1.0)), None);
}

#[tokio::test(start_paused = true)]
async fn a_backlog_over_a_simulated_hour_never_exceeds_the_limit_and_uses_the_budget() {
    let budget = std::sync::Arc::new(InMemoryRequestBudget::new(Pacing::per_minute(600)));
    let origin = tokio::time::Instant::now();
    let hour = Duration::from_secs(3_600);
    let workers = (0..4).map(|_| {
        let budget = budget.clone();
        tokio::spawn(async move {
            let mut sent = Vec::new();
            while origin.elapsed() < hour {
                budget
                    .acquire(ApiEndpoint::UserInfo, hour)
                    .await
                    .expect("a slot within the hour");
                sent.push(origin.elapsed());
            }
            sent
        })
    });
    let mut sent: Vec<Duration> = Vec::new();
    for worker in workers.collect::<Vec<_>>() {
        sent.extend(worker.await.expect("worker"));
    }
    sent.retain(|at| *at < hour);
    sent.sort_unstable();

    assert!(busiest_window(&sent, Duration::from_secs(60)) <= 600);
    assert!(busiest_window(&sent, Duration::from_secs(1)) <= 10);
    let budget_of_an_hour = 600 * 60;
    assert!(
        sent.len() * 100 >= budget_of_an_hour * 95,
        "only {} of {budget_of_an_hour} requests went out",
        sent.len()
    );
}

#[tokio::test(start_paused = true)]
async fn endpoints_have_separate_budgets_and_a_short_wait_gives_up_with_the_wait() {
    let budget = InMemoryRequestBudget::new(Pacing::per_minute(1));
    assert_eq!(
        budget.try_acquire(ApiEndpoint::UserInfo).await.ok(),
        Some(Admission::Granted)
    );
    assert_eq!(
        budget.try_acquire(ApiEndpoint::VideoList).await.ok(),
        Some(Admission::Granted)
    );
    match budget
        .acquire(ApiEndpoint::UserInfo, Duration::from_secs(5))
        .await
    {
        Err(BudgetError::Exhausted { retry_after }) => {
            assert_eq!(retry_after, Duration::from_secs(60))
        }
        other => panic!("expected Exhausted, got {other:?}"),
    }
    tokio::time::advance(Duration::from_secs(60)).await;
    assert!(budget
        .acquire(ApiEndpoint::UserInfo, Duration::ZERO)
        .await
        .is_ok());
}

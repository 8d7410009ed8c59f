use super::*;
use tiktok_domain::UserId;

fn user(id: &str) -> Caller {
    Caller::User(UserId::parse(id).expect("a user id"))
}

fn service(name: &str) -> Caller {
    Caller::Service { name: name.into() }
}

fn limiter(per_minute: u32, burst: u32) -> CallerRateLimiter {
    CallerRateLimiter::new(&RateLimitSettings {
        per_caller_per_minute: per_minute,
        burst,
        admin_per_minute: 600,
        admin_burst: 100,
    })
}

fn retry_after(refused: &ApiError) -> u64 {
    let response = actix_web::ResponseError::error_response(refused);
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    response
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn keys_name_the_kind_of_caller() {
    assert_eq!(key(&user("42")), "user:42");
    assert_eq!(key(&service("billing")), "service:billing");
}

#[test]
fn the_call_after_the_burst_is_refused_with_retry_after() {
    let limiter = limiter(2, 2);
    assert!(limiter.check(&user("42")).is_ok());
    assert!(limiter.check(&user("42")).is_ok());
    let refused = limiter.check(&user("42")).expect_err("over the burst");
    assert_eq!(refused.code(), "rate_limited");
    let after = retry_after(&refused);
    assert!((1..=30).contains(&after), "Retry-After {after}");
    assert!(
        limiter.check(&user("43")).is_ok(),
        "another caller has its own allowance"
    );
}

#[test]
fn a_request_is_charged_the_tiktok_calls_it_made() {
    let limiter = limiter(10, 10);
    limiter.check(&user("42")).expect("a full allowance");
    limiter.settle(&user("42"), 6);
    limiter.check(&user("42")).expect("4 calls left");
    limiter.settle(&user("42"), 6);
    let refused = limiter
        .check(&user("42"))
        .expect_err("two requests spent 12 calls of 10");
    // 2 calls over the allowance, one more wanted: 3 intervals of 6 s.
    let after = retry_after(&refused);
    assert!((17..=18).contains(&after), "Retry-After {after}");
}

#[test]
fn a_request_that_made_no_tiktok_call_still_costs_one() {
    let limiter = limiter(1, 2);
    for _ in 0..2 {
        limiter.check(&user("42")).expect("within the burst");
        limiter.settle(&user("42"), 0);
    }
    assert!(limiter.check(&user("42")).is_err());
}

#[test]
fn internal_services_have_a_budget_of_their_own() {
    let limiter = limiter(2, 2);
    for _ in 0..2 {
        limiter.check(&user("42")).expect("the creator's burst");
    }
    assert!(limiter.check(&user("42")).is_err());
    for _ in 0..100 {
        limiter
            .check(&service("billing"))
            .expect("the admin burst is apart and larger");
    }
    assert!(limiter.check(&service("billing")).is_err(), "but bounded");
}

#[test]
fn zero_disables_the_limit() {
    for limiter in [
        limiter(0, 10),
        limiter(30, 0),
        CallerRateLimiter::disabled(),
    ] {
        for _ in 0..100 {
            assert!(limiter.check(&user("42")).is_ok());
            limiter.settle(&user("42"), 300);
        }
    }
}

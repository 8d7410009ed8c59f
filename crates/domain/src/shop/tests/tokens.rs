//! Fresh tokens: refresh under the lease, rotated pair stored before use, reauthorization.

use std::sync::Arc;

use chrono::Duration;

use super::support::*;
use crate::account::SealedToken;
use crate::ports::RepositoryError;
use crate::shop::*;

#[tokio::test]
async fn a_valid_token_is_used_without_a_refresh() {
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::days(3), None))));
    let tokens = tokens(MockShopOAuth::new(), Arc::new(connections));
    let fresh = tokens
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect("fresh");
    assert_eq!(fresh.token.expose(), "a");
    assert_eq!(fresh.generation.as_str(), "g1");
}

#[tokio::test]
async fn a_due_token_is_refreshed_under_the_lease_and_the_rotated_pair_stored_first() {
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_try_acquire_refresh_lease()
        .times(1)
        .returning(|_, _, _| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_save_refreshed_grant()
        .times(1)
        .withf(|_, _, g, _| {
            g.access_token == sealed_access("b") && g.refresh_token == sealed_refresh("r-b")
        })
        .returning(|_, _, _, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_refresh()
        .times(1)
        .withf(|r| r.expose() == "r-a")
        .returning(|_| Ok(grant("b")));
    let tokens = tokens(oauth, Arc::new(connections));
    let fresh = tokens
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect("fresh");
    assert_eq!(fresh.token.expose(), "b");
}

#[tokio::test]
async fn a_lease_held_elsewhere_is_waited_for_and_its_grant_used() {
    let mut connections = MockShopConnections::new();
    let mut seq = mockall::Sequence::new();
    connections
        .expect_connection()
        .times(2)
        .in_sequence(&mut seq)
        .returning(|_| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_try_acquire_refresh_lease()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Ok(None));
    connections
        .expect_connection()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(Some(account("b", Duration::days(7), None))));
    let tokens = tokens(MockShopOAuth::new(), Arc::new(connections));
    let fresh = tokens
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect("fresh");
    assert_eq!(
        fresh.token.expose(),
        "b",
        "the other replica's grant, no TikTok call"
    );
}

#[tokio::test]
async fn a_refused_refresh_token_marks_the_connection_for_reauthorization() {
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_try_acquire_refresh_lease()
        .returning(|_, _, _| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_mark_reauth_required()
        .times(1)
        .withf(|_, refused, _| refused == &sealed_refresh("r-a"))
        .returning(|_, _, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_refresh()
        .returning(|_| Err(ShopApiError::ReauthRequired { code: 36_004_001 }));
    let tokens = tokens(oauth, Arc::new(connections));
    let err = tokens
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect_err("reauth");
    assert!(matches!(err, ShopError::ReauthRequired), "{err:?}");
}

#[tokio::test]
async fn a_failed_refresh_frees_the_lease_and_a_lost_lease_is_not_used() {
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_try_acquire_refresh_lease()
        .returning(|_, _, _| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_release_refresh_lease()
        .times(1)
        .returning(|_, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth.expect_refresh().returning(|_| {
        Err(ShopApiError::Rejected {
            code: 106_001,
            request_id: "r".into(),
        })
    });
    let tokens_a = tokens(oauth, Arc::new(connections));
    let err = tokens_a
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect_err("fails");
    assert!(
        matches!(err, ShopError::TikTok(ShopApiError::Rejected { .. })),
        "{err:?}"
    );

    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_try_acquire_refresh_lease()
        .returning(|_, _, _| Ok(Some(account("a", Duration::minutes(2), None))));
    connections
        .expect_save_refreshed_grant()
        .returning(|_, _, _, _| Err(RepositoryError::NotFound));
    connections
        .expect_release_refresh_lease()
        .returning(|_, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth.expect_refresh().returning(|_| Ok(grant("b")));
    let tokens_b = tokens(oauth, Arc::new(connections));
    let err = tokens_b
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect_err("lost");
    assert!(matches!(err, ShopError::RefreshBusy), "{err:?}");
}

#[tokio::test]
async fn the_background_round_renews_due_tokens_and_skips_ended_connections() {
    let mut connections = MockShopConnections::new();
    connections
        .expect_due_for_refresh()
        .withf(|before, limit| *before == now() + Duration::minutes(20) && *limit == 10)
        .returning(|_, _| {
            Ok(vec![
                user(),
                crate::values::UserId::parse("gone").expect("user"),
            ])
        });
    connections
        .expect_connection()
        .withf(|u| u.as_str() == "gone")
        .returning(|_| Ok(None));
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::minutes(15), None))));
    connections
        .expect_try_acquire_refresh_lease()
        .returning(|_, _, _| Ok(Some(account("a", Duration::minutes(15), None))));
    connections
        .expect_save_refreshed_grant()
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_refresh()
        .times(1)
        .returning(|_| Ok(grant("b")));
    let tokens = tokens(oauth, Arc::new(connections));
    let report = tokens.refresh_due(10, &|| false).await.expect("round");
    assert_eq!(
        report,
        ShopRefreshReport {
            refreshed: 1,
            failed: 0,
            skipped: 1
        }
    );
}

/// An account whose stored tokens were sealed for another row (or with a removed key): they do not open.
fn unreadable(mut account: ShopAccount, refresh_too: bool) -> ShopAccount {
    if let Some(grant) = account.grant.as_mut() {
        grant.access_token = SealedToken::new("sealed(elsewhere|a)".into());
        if refresh_too {
            grant.refresh_token = SealedToken::new("sealed(elsewhere|r-a)".into());
        }
    }
    account
}

/// A connected seller whose stored tokens do not open, and the lease to refresh them.
fn unreadable_connection(refresh_too: bool) -> MockShopConnections {
    let stored = move || unreadable(account("a", Duration::days(3), None), refresh_too);
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(move |_| Ok(Some(stored())));
    connections
        .expect_try_acquire_refresh_lease()
        .returning(move |_, _, _| Ok(Some(stored())));
    connections
}

#[tokio::test]
async fn an_access_token_that_does_not_open_is_replaced_by_a_refresh() {
    let mut connections = unreadable_connection(false);
    connections
        .expect_save_refreshed_grant()
        .returning(|_, _, _, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_refresh()
        .withf(|r| r.expose() == "r-a")
        .returning(|_| Ok(grant("b")));
    let tokens = tokens(oauth, Arc::new(connections));
    let fresh = tokens
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect("fresh");
    assert_eq!(fresh.token.expose(), "b");
}

#[tokio::test]
async fn tokens_that_do_not_open_at_all_ask_the_seller_to_authorize_again() {
    let mut connections = unreadable_connection(true);
    connections
        .expect_mark_reauth_required()
        .returning(|_, _, _| Ok(()));
    let tokens = tokens(MockShopOAuth::new(), Arc::new(connections));
    let error = tokens
        .fresh(&user(), TokenNeed::IfDue)
        .await
        .expect_err("unreadable");
    assert!(matches!(error, ShopError::ReauthRequired), "{error:?}");
}

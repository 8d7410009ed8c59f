//! Key rotation's view of pending OAuth states (`SealedGrantStore::sealed_verifiers_after` and
//! `reseal_verifier`), on SQLite and on PostgreSQL: pages in fingerprint order skip states without a
//! verifier, and a swap happens only while the state still holds the verifier that was read.
#![cfg(test)]

mod common;

use common::{at, user};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselOAuthStateStore};
use tiktok_domain::ports::{OAuthStateStore, PendingAuthorization, SealedGrantStore};
use tiktok_domain::{OAuthState, RedirectUri, SealedToken};

on_both_backends!(verifiers_page_in_fingerprint_order_and_swap_only_while_unchanged,);

fn pending(verifier: Option<&str>) -> PendingAuthorization {
    PendingAuthorization {
        state_fingerprint: OAuthState::generate().fingerprint(),
        user_id: user("user-1"),
        redirect_uri: RedirectUri::parse("https://app.example/tiktok/callback").expect("uri"),
        code_verifier: verifier.map(|v| SealedToken::new(v.to_owned())),
        expires_at: at(600, 0),
    }
}

async fn verifiers_page_in_fingerprint_order_and_swap_only_while_unchanged(db: Database) {
    let states = DieselOAuthStateStore::new(db.clone());
    let rotation = DieselAccountRepository::new(db);
    let with: Vec<_> = (0..5)
        .map(|i| pending(Some(&format!("v1.old.verifier-{i}"))))
        .collect();
    let without = pending(None);
    for state in with.iter().chain([&without]) {
        states.put(state).await.expect("put");
    }
    let mut expected: Vec<_> = with.iter().map(|s| s.state_fingerprint.clone()).collect();
    expected.sort();

    // Pages of 2, in fingerprint order, the state without a verifier left out.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = rotation
            .sealed_verifiers_after(&after, 2)
            .await
            .expect("a page");
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = last.state_fingerprint.clone();
        seen.extend(page);
    }
    let fingerprints: Vec<_> = seen.iter().map(|r| r.state_fingerprint.clone()).collect();
    assert_eq!(fingerprints, expected);

    // A swap of the verifier that was read happens; a second one with the stale verifier does not.
    let row = &seen[0];
    let new = SealedToken::new("v1.new.verifier".to_owned());
    assert!(rotation.reseal_verifier(row, &new).await.expect("swap"));
    assert!(!rotation
        .reseal_verifier(row, &SealedToken::new("v1.new.other".to_owned()))
        .await
        .expect("stale swap"));
    let taken = states
        .take(&row.state_fingerprint, &user("user-1"))
        .await
        .expect("take")
        .expect("the state is still there");
    assert_eq!(taken.code_verifier, Some(new.clone()));
    // A state spent meanwhile is not brought back.
    assert!(!rotation.reseal_verifier(row, &new).await.expect("swap"));
    assert_eq!(
        states
            .take(&row.state_fingerprint, &user("user-1"))
            .await
            .expect("take"),
        None
    );
}

//! Key rotation re-seals the TikTok Shop secrets too: each seller's access and refresh tokens under the
//! user's row, and each shop's cipher under `<user_id>/<shop_id>`, so that removing the old key does not
//! break a Shop connection.

use std::sync::{Arc, Mutex};

use super::rotate_keys::{sealed_with, RotatingCipher};
use crate::account::{SealedToken, TokenKind};
use crate::ports::{MockSealedGrantStore, SealedShopCipherRow, SealedShopGrantRow};
use crate::usecases::KeyRotation;
use crate::values::UserId;

fn seller(user: &str, key: &str) -> SealedShopGrantRow {
    SealedShopGrantRow {
        user_id: UserId::parse(user).unwrap(),
        access_token: sealed_with(key, user, TokenKind::ShopAccess, &format!("access-{user}")),
        refresh_token: sealed_with(
            key,
            user,
            TokenKind::ShopRefresh,
            &format!("refresh-{user}"),
        ),
    }
}

fn shop(user: &str, shop_id: &str, key: &str) -> SealedShopCipherRow {
    SealedShopCipherRow {
        user_id: UserId::parse(user).unwrap(),
        shop_id: shop_id.to_owned(),
        cipher: sealed_with(
            key,
            &format!("{user}/{shop_id}"),
            TokenKind::ShopCipher,
            &format!("cipher-{shop_id}"),
        ),
    }
}

/// A store with no account and no pending state, for the Shop secrets' tests.
fn without_account_secrets(store: &mut MockSealedGrantStore) {
    store
        .expect_sealed_grants_after()
        .returning(|_, _| Ok(vec![]));
    store
        .expect_sealed_verifiers_after()
        .returning(|_, _| Ok(vec![]));
}

type GrantSwap = (SealedShopGrantRow, SealedToken, SealedToken);

#[tokio::test]
async fn shop_sellers_tokens_are_resealed_with_the_active_key_and_a_refresh_meanwhile_wins() {
    // Arrange: five sellers over pages of 2: two old, one current, one under a lost key, and one old whose
    // tokens a Shop refresh rotated before the swap.
    let rows = [
        seller("u1", "old"),
        seller("u2", "new"),
        seller("u3", "lost"),
        seller("u4", "old"),
        seller("u5", "old"),
    ];
    let mut store = MockSealedGrantStore::new();
    without_account_secrets(&mut store);
    let pages = rows.clone();
    store
        .expect_sealed_shop_grants_after()
        .times(4)
        .returning(move |after, limit| {
            assert_eq!(limit, 2);
            Ok(pages
                .iter()
                .filter(|r| r.user_id.as_str() > after)
                .take(2)
                .cloned()
                .collect())
        });
    let swaps: Arc<Mutex<Vec<GrantSwap>>> = Arc::default();
    let recorded = swaps.clone();
    store
        .expect_reseal_shop_grant()
        .times(3)
        .returning(move |old, access, refresh| {
            recorded
                .lock()
                .unwrap()
                .push((old.clone(), access.clone(), refresh.clone()));
            Ok(old.user_id.as_str() != "u4")
        });
    store
        .expect_sealed_shop_ciphers_after()
        .returning(|_, _, _| Ok(vec![]));
    let rotation = KeyRotation::new(Arc::new(store), Arc::new(RotatingCipher));

    // Act
    let report = rotation.run(2).await.unwrap();

    // Assert
    assert_eq!(
        (
            report.shop_sellers,
            report.shop_sellers_resealed,
            report.shop_sellers_current,
            report.shop_sellers_changed_meanwhile,
            report.shop_sellers_unreadable
        ),
        (5, 2, 1, 1, 1),
        "{report:?}"
    );
    let swaps = swaps.lock().unwrap();
    let expected: Vec<GrantSwap> = [0, 3, 4]
        .iter()
        .map(|&i| {
            let user = rows[i].user_id.as_str();
            let new = seller(user, "new");
            (rows[i].clone(), new.access_token, new.refresh_token)
        })
        .collect();
    assert_eq!(swaps.as_slice(), expected.as_slice());
}

#[tokio::test]
async fn shop_ciphers_are_resealed_under_their_own_user_and_shop() {
    // Arrange: one user's two shops and another's, over pages of 2: one old, one current, one under a lost
    // key, and one whose cipher was copied from another shop (it does not open under this shop's id).
    let mut moved = shop("u1", "7001", "old");
    moved.shop_id = "7009".to_owned();
    let rows = [
        shop("u1", "7000", "old"),
        shop("u1", "7002", "new"),
        moved,
        shop("u2", "7000", "lost"),
        shop("u2", "7003", "old"),
    ];
    let mut rows_sorted = rows.to_vec();
    rows_sorted
        .sort_by(|a, b| (a.user_id.as_str(), &a.shop_id).cmp(&(b.user_id.as_str(), &b.shop_id)));
    let mut store = MockSealedGrantStore::new();
    without_account_secrets(&mut store);
    store
        .expect_sealed_shop_grants_after()
        .returning(|_, _| Ok(vec![]));
    let pages = rows_sorted.clone();
    let asked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let keys = asked.clone();
    store
        .expect_sealed_shop_ciphers_after()
        .times(4)
        .returning(move |user, shop_id, limit| {
            assert_eq!(limit, 2);
            keys.lock()
                .unwrap()
                .push((user.to_owned(), shop_id.to_owned()));
            Ok(pages
                .iter()
                .filter(|r| (r.user_id.as_str(), r.shop_id.as_str()) > (user, shop_id))
                .take(2)
                .cloned()
                .collect())
        });
    let swaps: Arc<Mutex<Vec<(SealedShopCipherRow, SealedToken)>>> = Arc::default();
    let recorded = swaps.clone();
    store
        .expect_reseal_shop_cipher()
        .times(2)
        .returning(move |old, new| {
            recorded.lock().unwrap().push((old.clone(), new.clone()));
            Ok(true)
        });
    let rotation = KeyRotation::new(Arc::new(store), Arc::new(RotatingCipher));

    // Act
    let report = rotation.run(2).await.unwrap();

    // Assert
    assert_eq!(
        (
            report.shop_ciphers,
            report.shop_ciphers_resealed,
            report.shop_ciphers_unreadable
        ),
        (5, 2, 2),
        "{report:?}"
    );
    let swaps = swaps.lock().unwrap();
    let expected = [
        (rows[0].clone(), shop("u1", "7000", "new").cipher),
        (rows[4].clone(), shop("u2", "7003", "new").cipher),
    ];
    assert_eq!(swaps.as_slice(), expected.as_slice());
    let asked = asked.lock().unwrap();
    let resumed: Vec<(String, String)> = [("", ""), ("u1", "7002"), ("u2", "7000"), ("u2", "7003")]
        .iter()
        .map(|(u, s)| ((*u).to_owned(), (*s).to_owned()))
        .collect();
    assert_eq!(asked.as_slice(), resumed.as_slice());
}

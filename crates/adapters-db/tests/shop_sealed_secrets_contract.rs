//! Key rotation's view of the Shop secrets (`SealedGrantStore::sealed_shop_grants_after`,
//! `reseal_shop_grant`, `sealed_shop_ciphers_after`, `reseal_shop_cipher`), on SQLite and on PostgreSQL:
//! pages in key order skip disconnected sellers and erased ciphers, and a swap happens only while the row
//! still holds what was read.
#![cfg(test)]

mod common;
mod shop_fixtures;

use common::{at, user};
use shop_fixtures::{new_connection, sealed, shop};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselShopConnections};
use tiktok_domain::ports::SealedGrantStore;
use tiktok_domain::shop::{ShopConnections, ShopDisconnectReason};

on_both_backends!(shop_secrets_page_in_key_order_and_swap_only_while_unchanged,);

async fn shop_secrets_page_in_key_order_and_swap_only_while_unchanged(db: Database) {
    let connections = DieselShopConnections::new(db.clone());
    let rotation = DieselAccountRepository::new(db);
    for (u, seller, shops) in [
        ("user-a", "seller-a", vec![shop("10", "a"), shop("20", "a")]),
        ("user-b", "seller-b", vec![shop("30", "b")]),
        ("user-c", "seller-c", vec![shop("40", "c")]),
    ] {
        connections
            .save_connection(&new_connection(u, seller, u, shops, at(0, 0)))
            .await
            .expect("saved");
    }
    // A disconnected seller holds neither tokens nor ciphers: nothing to rotate.
    connections
        .disconnect(&user("user-c"), ShopDisconnectReason::Requested, at(1, 0))
        .await
        .expect("disconnected");

    // Sellers in pages of 1, in user id order.
    let mut sellers = Vec::new();
    let mut after = String::new();
    loop {
        let page = rotation
            .sealed_shop_grants_after(&after, 1)
            .await
            .expect("a page");
        assert!(page.len() <= 1);
        let Some(last) = page.last() else { break };
        after = last.user_id.as_str().to_owned();
        sellers.extend(page);
    }
    let users: Vec<&str> = sellers.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(users, ["user-a", "user-b"]);
    assert_eq!(sellers[0].access_token, sealed("access-user-a"));
    assert_eq!(sellers[0].refresh_token, sealed("refresh-user-a"));

    // Shops in pages of 1, in (user id, shop id) order, within and across users.
    let mut ciphers = Vec::new();
    let (mut after_user, mut after_shop) = (String::new(), String::new());
    loop {
        let page = rotation
            .sealed_shop_ciphers_after(&after_user, &after_shop, 1)
            .await
            .expect("a page");
        assert!(page.len() <= 1);
        let Some(last) = page.last() else { break };
        after_user = last.user_id.as_str().to_owned();
        after_shop = last.shop_id.clone();
        ciphers.extend(page);
    }
    let keys: Vec<(&str, &str)> = ciphers
        .iter()
        .map(|r| (r.user_id.as_str(), r.shop_id.as_str()))
        .collect();
    assert_eq!(keys, [("user-a", "10"), ("user-a", "20"), ("user-b", "30")]);
    assert_eq!(ciphers[1].cipher, sealed("cipher-20-a"));

    // A swap of the tokens that were read happens; a second one with the stale tokens does not.
    let (access, refresh) = (sealed("access-new"), sealed("refresh-new"));
    assert!(rotation
        .reseal_shop_grant(&sellers[0], &access, &refresh)
        .await
        .expect("swap"));
    assert!(!rotation
        .reseal_shop_grant(
            &sellers[0],
            &sealed("access-other"),
            &sealed("refresh-other")
        )
        .await
        .expect("stale swap"));
    // Only one token still equal to what was read is not enough either.
    let mut half = sellers[1].clone();
    half.refresh_token = sealed("refresh-rotated-meanwhile");
    assert!(!rotation
        .reseal_shop_grant(&half, &access, &refresh)
        .await
        .expect("half stale swap"));

    // The same for a cipher.
    let cipher = sealed("cipher-20-new");
    assert!(rotation
        .reseal_shop_cipher(&ciphers[1], &cipher)
        .await
        .expect("swap"));
    assert!(!rotation
        .reseal_shop_cipher(&ciphers[1], &sealed("cipher-other"))
        .await
        .expect("stale swap"));

    let a = connections
        .connection(&user("user-a"))
        .await
        .expect("read")
        .expect("connected");
    let grant = a.grant.expect("a grant");
    assert_eq!((grant.access_token, grant.refresh_token), (access, refresh));
    let stored: Vec<_> = a
        .shops
        .iter()
        .map(|s| (s.id.as_str(), s.cipher.clone()))
        .collect();
    assert_eq!(
        stored,
        [("10", Some(sealed("cipher-10-a"))), ("20", Some(cipher))]
    );
    let b = connections
        .connection(&user("user-b"))
        .await
        .expect("read")
        .expect("connected");
    let grant = b.grant.expect("a grant");
    assert_eq!(
        (grant.access_token, grant.refresh_token),
        (sealed("access-user-b"), sealed("refresh-user-b")),
        "the half stale swap left user-b as it was"
    );
}

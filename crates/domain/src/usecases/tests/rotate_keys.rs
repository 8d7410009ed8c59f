//! Key rotation re-seals the PKCE verifiers of pending OAuth states too, each under its own state's
//! fingerprint, so that removing the old key does not break a creator half-way through TikTok's consent page.

use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};

use crate::account::{SealedToken, TokenKind};
use crate::ports::{
    CipherError, MockSealedGrantStore, SealedVerifierRow, TokenCipher, TokenContext,
};
use crate::usecases::KeyRotation;

/// Seals as `<key>:<owner>:<column>:<plaintext>`. `new` is the active key, `old` a retired one it still
/// opens; `lost` is a key it no longer has.
pub(super) struct RotatingCipher;

impl TokenCipher for RotatingCipher {
    fn seal(
        &self,
        plaintext: &SecretString,
        context: &TokenContext,
    ) -> Result<SealedToken, CipherError> {
        Ok(sealed_with(
            "new",
            &context.owner,
            context.kind,
            plaintext.expose_secret(),
        ))
    }

    fn open(
        &self,
        sealed: &SealedToken,
        context: &TokenContext,
    ) -> Result<SecretString, CipherError> {
        ["new", "old"]
            .iter()
            .find_map(|key| {
                let prefix = format!("{key}:{}:{}:", context.owner, context.kind.column());
                sealed.as_str().strip_prefix(&prefix)
            })
            .map(|plain| SecretString::from(plain.to_owned()))
            .ok_or(CipherError::Malformed)
    }

    fn is_sealed_with_old_key(&self, sealed: &SealedToken) -> bool {
        !sealed.as_str().starts_with("new:")
    }
}

pub(super) fn sealed_with(key: &str, owner: &str, kind: TokenKind, plaintext: &str) -> SealedToken {
    SealedToken::new(format!("{key}:{owner}:{}:{plaintext}", kind.column()))
}

/// A store with no Shop seller connection and no shop, for the tests of the other secrets.
pub(super) fn without_shop_secrets(store: &mut MockSealedGrantStore) {
    store
        .expect_sealed_shop_grants_after()
        .returning(|_, _| Ok(vec![]));
    store
        .expect_sealed_shop_ciphers_after()
        .returning(|_, _, _| Ok(vec![]));
}

fn verifier(fingerprint: &str, key: &str) -> SealedVerifierRow {
    SealedVerifierRow {
        state_fingerprint: fingerprint.to_owned(),
        code_verifier: sealed_with(
            key,
            fingerprint,
            TokenKind::CodeVerifier,
            &format!("verifier-of-{fingerprint}"),
        ),
    }
}

#[tokio::test]
async fn pending_pkce_verifiers_are_resealed_with_the_active_key_page_by_page() {
    // Arrange: four pending states over two pages of 2: one sealed with the old key, one already current,
    // one under a key no longer configured, one old that is spent before its swap.
    let rows = [
        verifier("fp-a", "old"),
        verifier("fp-b", "new"),
        verifier("fp-c", "lost"),
        verifier("fp-d", "old"),
    ];
    let mut store = MockSealedGrantStore::new();
    store
        .expect_sealed_grants_after()
        .times(1)
        .returning(|_, _| Ok(vec![]));
    let pages = rows.clone();
    store
        .expect_sealed_verifiers_after()
        .times(3)
        .returning(move |after, limit| {
            assert_eq!(limit, 2);
            Ok(pages
                .iter()
                .filter(|r| r.state_fingerprint.as_str() > after)
                .take(2)
                .cloned()
                .collect())
        });
    without_shop_secrets(&mut store);
    let swaps: Arc<Mutex<Vec<(SealedVerifierRow, SealedToken)>>> = Arc::default();
    let recorded = swaps.clone();
    store
        .expect_reseal_verifier()
        .times(2)
        .returning(move |old, new| {
            recorded.lock().unwrap().push((old.clone(), new.clone()));
            Ok(old.state_fingerprint != "fp-d")
        });
    let rotation = KeyRotation::new(Arc::new(store), Arc::new(RotatingCipher));

    // Act
    let report = rotation.run(2).await.unwrap();

    // Assert
    assert_eq!(
        (
            report.pending_states,
            report.pending_states_resealed,
            report.pending_states_unreadable
        ),
        (4, 1, 1),
        "{report:?}"
    );
    let swaps = swaps.lock().unwrap();
    let expected = [
        (rows[0].clone(), verifier("fp-a", "new").code_verifier),
        (rows[3].clone(), verifier("fp-d", "new").code_verifier),
    ];
    assert_eq!(swaps.as_slice(), expected.as_slice());
}

#[tokio::test]
async fn a_verifier_is_resealed_only_under_its_own_states_fingerprint() {
    // Arrange: a verifier moved from another state's row does not open under this one's fingerprint.
    let mut moved = verifier("fp-other", "old");
    moved.state_fingerprint = "fp-mine".to_owned();
    let mut store = MockSealedGrantStore::new();
    store
        .expect_sealed_grants_after()
        .returning(|_, _| Ok(vec![]));
    let page = vec![moved];
    store
        .expect_sealed_verifiers_after()
        .returning(move |after, _| {
            Ok(if after.is_empty() {
                page.clone()
            } else {
                vec![]
            })
        });
    store.expect_reseal_verifier().never();
    without_shop_secrets(&mut store);
    let rotation = KeyRotation::new(Arc::new(store), Arc::new(RotatingCipher));

    // Act
    let report = rotation.run(10).await.unwrap();

    // Assert
    assert_eq!(
        (report.pending_states, report.pending_states_unreadable),
        (1, 1)
    );
}

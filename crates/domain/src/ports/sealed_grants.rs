use async_trait::async_trait;

use super::RepositoryError;
use crate::account::SealedToken;
use crate::values::UserId;

/// The sealed tokens of one account, as key rotation reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedGrantRow {
    /// Storage's row id (pages are ordered by it).
    pub id: i64,
    /// The row's owner: part of the tokens' associated data.
    pub user_id: UserId,
    /// The sealed access token.
    pub access_token: SealedToken,
    /// The sealed refresh token.
    pub refresh_token: SealedToken,
}

/// The sealed PKCE verifier of one pending OAuth state, as key rotation reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedVerifierRow {
    /// The state's fingerprint: its key (pages are ordered by it) and the verifier's associated data.
    pub state_fingerprint: String,
    /// The sealed verifier.
    pub code_verifier: SealedToken,
}

/// The sealed tokens of one TikTok Shop seller connection, as key rotation reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedShopGrantRow {
    /// The connection's owner: its key (pages are ordered by it) and part of the tokens' associated data.
    pub user_id: UserId,
    /// The sealed Shop access token.
    pub access_token: SealedToken,
    /// The sealed Shop refresh token.
    pub refresh_token: SealedToken,
}

/// The sealed cipher of one authorized shop, as key rotation reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedShopCipherRow {
    /// The seller connection's owner (pages are ordered by it, then by `shop_id`).
    pub user_id: UserId,
    /// TikTok's shop id; with `user_id`, the cipher's associated data.
    pub shop_id: String,
    /// The sealed shop cipher.
    pub cipher: SealedToken,
}

/// Storage access for key rotation: page through sealed secrets (accounts' grants, pending OAuth states'
/// PKCE verifiers, Shop sellers' grants and shops' ciphers) and swap them for re-sealed ones.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SealedGrantStore: Send + Sync {
    /// Up to `limit` accounts holding a grant, with `id > after_id`, in id order.
    async fn sealed_grants_after(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<SealedGrantRow>, RepositoryError>;

    /// Replaces both sealed tokens of `old.user_id` with the new ones, only if the row still holds exactly
    /// `old`'s tokens; returns whether it did. A refresh that rotated the tokens meanwhile wins (and sealed
    /// them with the active key already).
    async fn reseal(
        &self,
        old: &SealedGrantRow,
        access_token: &SealedToken,
        refresh_token: &SealedToken,
    ) -> Result<bool, RepositoryError>;

    /// Up to `limit` pending OAuth states holding a PKCE verifier, with a fingerprint after
    /// `after_fingerprint` (`""` for the first page), in fingerprint order.
    async fn sealed_verifiers_after(
        &self,
        after_fingerprint: &str,
        limit: u32,
    ) -> Result<Vec<SealedVerifierRow>, RepositoryError>;

    /// Replaces the verifier of `old.state_fingerprint`, only if the state still exists and holds exactly
    /// `old`'s verifier; returns whether it did (a state spent meanwhile is left gone).
    async fn reseal_verifier(
        &self,
        old: &SealedVerifierRow,
        code_verifier: &SealedToken,
    ) -> Result<bool, RepositoryError>;

    /// Up to `limit` Shop seller connections holding a grant, with a user id after `after_user_id` (`""` for
    /// the first page), in user id order.
    async fn sealed_shop_grants_after(
        &self,
        after_user_id: &str,
        limit: u32,
    ) -> Result<Vec<SealedShopGrantRow>, RepositoryError>;

    /// Replaces both sealed Shop tokens of `old.user_id`, only if the connection still holds exactly `old`'s
    /// tokens; returns whether it did (a Shop refresh meanwhile wins, with the active key already).
    async fn reseal_shop_grant(
        &self,
        old: &SealedShopGrantRow,
        access_token: &SealedToken,
        refresh_token: &SealedToken,
    ) -> Result<bool, RepositoryError>;

    /// Up to `limit` shops holding a sealed cipher, after (`after_user_id`, `after_shop_id`) (both `""` for
    /// the first page), in (user id, shop id) order.
    async fn sealed_shop_ciphers_after(
        &self,
        after_user_id: &str,
        after_shop_id: &str,
        limit: u32,
    ) -> Result<Vec<SealedShopCipherRow>, RepositoryError>;

    /// Replaces the cipher of `old`'s shop, only if the shop still holds exactly `old`'s cipher; returns
    /// whether it did (a reconnection meanwhile wins).
    async fn reseal_shop_cipher(
        &self,
        old: &SealedShopCipherRow,
        cipher: &SealedToken,
    ) -> Result<bool, RepositoryError>;
}

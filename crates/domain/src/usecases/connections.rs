//! Connecting and disconnecting TikTok accounts: the OAuth flow (`authorize.rs`), a creator's disconnect
//! and purge (`disconnect.rs`), and TikTok's `authorization.removed` webhook (`webhook.rs`).

use std::sync::Arc;

use crate::ports::{
    AccountRepository, Clock, ContentRepository, OAuthStateStore, TikTokData, TikTokOAuth,
    TokenCipher,
};

use super::{ServiceConfig, TokenKeeper};

/// The connection use cases. They hold the ports of the OAuth flow (states, TikTok's token endpoint and
/// Display API for the first profile read), storage of accounts and content (erased on a purge), and the
/// [`TokenKeeper`] for the token a revoke needs.
#[derive(Clone)]
pub struct Connections {
    pub(super) accounts: Arc<dyn AccountRepository>,
    pub(super) content: Arc<dyn ContentRepository>,
    pub(super) states: Arc<dyn OAuthStateStore>,
    pub(super) oauth: Arc<dyn TikTokOAuth>,
    pub(super) data: Arc<dyn TikTokData>,
    pub(super) cipher: Arc<dyn TokenCipher>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) config: Arc<ServiceConfig>,
    pub(super) tokens: TokenKeeper,
}

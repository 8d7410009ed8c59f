use std::time::Duration;

use async_trait::async_trait;

use super::BoxError;
use crate::account::Profile;
use crate::values::{AccessToken, OpenId, Scopes};

/// The creator as TikTok's user info endpoint describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// `open_id`, when sent.
    pub open_id: Option<OpenId>,
    /// Everything else.
    pub profile: Profile,
}

/// One public video, as TikTok's video list describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Video {
    /// The video id: 19 digits, beyond 2^53, so kept as text.
    pub id: String,
    /// `title`.
    pub title: Option<String>,
    /// `video_description`.
    pub description: Option<String>,
    /// `create_time`, Unix seconds.
    pub create_time: Option<i64>,
    /// `duration`, seconds.
    pub duration: Option<i64>,
    /// `share_url`.
    pub share_url: Option<String>,
    /// `embed_link`.
    pub embed_link: Option<String>,
    /// `view_count`.
    pub view_count: Option<i64>,
    /// `like_count`.
    pub like_count: Option<i64>,
    /// `comment_count`.
    pub comment_count: Option<i64>,
    /// `share_count`.
    pub share_count: Option<i64>,
}

/// One page of the video list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VideoPage {
    /// The videos, newest first.
    pub videos: Vec<Video>,
    /// The cursor for the next page (Unix milliseconds).
    pub cursor: i64,
    /// Whether another page follows; loop on this, not on the page size.
    pub has_more: bool,
}

/// Why a Display API call failed, sorted by what the caller does next.
#[derive(Debug, thiserror::Error)]
pub enum TikTokApiError {
    /// `access_token_invalid` (or an unknown code on 401): refresh, then retry once.
    #[error("TikTok says the access token is invalid")]
    AccessTokenInvalid,
    /// `scope_not_authorized`: the creator withdrew a scope; only a new consent helps.
    #[error("TikTok says the grant lacks a needed scope")]
    ScopeNotAuthorized,
    /// `rate_limit_exceeded`.
    #[error("TikTok is rate limiting")]
    RateLimited {
        /// How long to wait, when known.
        retry_after: Option<Duration>,
    },
    /// Unreachable, timing out, or 5xx.
    #[error("TikTok is unavailable")]
    Unavailable(#[source] BoxError),
    /// The shared request budget could not be read (its database is down or the pool exhausted), through
    /// every retry within the pacing wait: the request was not sent, since it could not be paced.
    #[error("the TikTok request budget is unavailable; request not sent")]
    BudgetUnavailable(#[source] BoxError),
    /// A body we cannot read.
    #[error("TikTok answered with an unreadable body")]
    InvalidResponse(#[source] BoxError),
    /// Another error code we cannot act on (`invalid_params`, `scope_permission_missed`, …).
    #[error("TikTok refused the request: {code}")]
    Rejected {
        /// TikTok's `error.code`.
        code: String,
    },
}

/// TikTok's Display API: the creator's profile and videos.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait TikTokData: Send + Sync {
    /// The creator's profile, asking only for the fields the granted scopes allow.
    async fn user_info(
        &self,
        access_token: &AccessToken,
        granted: &Scopes,
    ) -> Result<UserInfo, TikTokApiError>;

    /// One page of the creator's public videos, newest first (`max_count` at most 20).
    async fn list_videos(
        &self,
        access_token: &AccessToken,
        cursor: Option<i64>,
        max_count: u8,
    ) -> Result<VideoPage, TikTokApiError>;
}

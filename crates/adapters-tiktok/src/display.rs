//! Display API: user info and the video list, in the `{data, error{code, message, log_id}}` envelope.

use std::future::Future;

use async_trait::async_trait;
use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tiktok_domain::ports::{ApiEndpoint, TikTokApiError, TikTokData, UserInfo, Video, VideoPage};
use tiktok_domain::values::{AccessToken, OpenId, Scope, Scopes};
use tiktok_domain::Profile;

use crate::client::{TikTokHttpClient, Transport, WireError};
use crate::retry::{millis, with_retries, RetryPolicy};
use crate::wire::{UserData, VideoData};

/// The video fields asked for on every page.
const VIDEO_FIELDS: &str = "id,title,video_description,create_time,duration,share_url,embed_link,\
                            view_count,like_count,comment_count,share_count";

/// The user fields the granted scopes allow (basic ones always).
fn user_fields(granted: &Scopes) -> String {
    let mut fields = vec!["open_id", "union_id", "avatar_url", "display_name"];
    if granted.contains(Scope::USER_INFO_PROFILE) {
        fields.push("username");
    }
    if granted.contains(Scope::USER_INFO_STATS) {
        fields.extend([
            "follower_count",
            "following_count",
            "likes_count",
            "video_count",
        ]);
    }
    fields.join(",")
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Value>,
    error: Option<ApiError>,
}

#[derive(Deserialize)]
struct ApiError {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    log_id: String,
}

#[derive(Serialize)]
struct ListRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<i64>,
    max_count: u8,
}

impl TikTokHttpClient {
    /// Runs a Display API read under the retry policy of the settings: network errors, 5xx and 429 only.
    async fn read_with_retries<T, F, Fut>(
        &self,
        endpoint: &'static str,
        call: F,
    ) -> Result<T, TikTokApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, TikTokApiError>>,
    {
        let policy = RetryPolicy {
            retries: self.config.read_retries,
            base: self.config.retry_base_delay,
            max_total: self.config.retry_max_total,
        };
        with_retries(policy, call, |error, attempt, delay| {
            tracing::info!(
                endpoint,
                attempt,
                delay_ms = millis(delay),
                %error,
                "retrying a TikTok read"
            );
        })
        .await
    }

    /// One Display API call, its envelope sorted into data or a [`TikTokApiError`].
    pub(crate) async fn display<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        request: RequestBuilder,
    ) -> Result<T, TikTokApiError> {
        let raw = self.send(endpoint, request).await.map_err(|e| match e {
            Transport::Network(e) => {
                tracing::warn!(endpoint, error = %e, "TikTok Display API unreachable");
                TikTokApiError::Unavailable(Box::new(e))
            }
            Transport::TooLarge(cap) => {
                TikTokApiError::InvalidResponse(Box::new(WireError::TooLarge(cap)))
            }
        })?;
        let status = raw.status.as_u16();
        let by_status = |cause: WireError| {
            tracing::warn!(endpoint, http_status = status, error = %cause, "TikTok Display API answer unreadable");
            if status == 429 {
                TikTokApiError::RateLimited {
                    retry_after: raw.retry_after,
                }
            } else if raw.status.is_server_error() {
                TikTokApiError::Unavailable(Box::new(cause))
            } else {
                TikTokApiError::InvalidResponse(Box::new(cause))
            }
        };
        let envelope: Envelope =
            serde_json::from_slice(&raw.body).map_err(|e| by_status(WireError::parse(&e)))?;
        let Some(error) = envelope.error else {
            return Err(by_status(WireError::missing("error")));
        };
        if error.code == "ok" {
            let data = envelope
                .data
                .ok_or_else(|| by_status(WireError::missing("data")))?;
            return serde_json::from_value(data).map_err(|e| by_status(WireError::parse(&e)));
        }
        tracing::warn!(
            endpoint,
            http_status = status,
            code = %error.code,
            log_id = %error.log_id,
            message = %error.message,
            "TikTok Display API error"
        );
        let api = || {
            Box::new(WireError::Api {
                code: error.code.clone(),
                log_id: error.log_id.clone(),
            })
        };
        Err(match error.code.as_str() {
            "access_token_invalid" => TikTokApiError::AccessTokenInvalid,
            "scope_not_authorized" => TikTokApiError::ScopeNotAuthorized,
            "rate_limit_exceeded" => TikTokApiError::RateLimited {
                retry_after: raw.retry_after,
            },
            "internal_error" => TikTokApiError::Unavailable(api()),
            _ if status == 401 => TikTokApiError::AccessTokenInvalid,
            _ if status == 429 => TikTokApiError::RateLimited {
                retry_after: raw.retry_after,
            },
            _ if raw.status.is_server_error() => TikTokApiError::Unavailable(api()),
            _ => TikTokApiError::Rejected { code: error.code },
        })
    }
}

#[async_trait]
impl TikTokData for TikTokHttpClient {
    async fn user_info(
        &self,
        access_token: &AccessToken,
        granted: &Scopes,
    ) -> Result<UserInfo, TikTokApiError> {
        let mut url = self.urls.user_info.clone();
        url.query_pairs_mut()
            .append_pair("fields", &user_fields(granted));
        let token = access_token.expose();
        let data: UserData = self
            .read_with_retries("user_info", || {
                self.paced(
                    ApiEndpoint::UserInfo,
                    self.http.get(url.clone()).bearer_auth(token),
                )
            })
            .await?;
        let user = data.user;
        let open_id = match user.open_id.filter(|id| !id.is_empty()) {
            Some(id) => Some(OpenId::parse(&id).map_err(|_| {
                TikTokApiError::InvalidResponse(Box::new(WireError::missing("open_id")))
            })?),
            None => None,
        };
        Ok(UserInfo {
            open_id,
            profile: Profile {
                union_id: user.union_id,
                username: user.username,
                display_name: user.display_name,
                avatar_url: user.avatar_url,
                follower_count: user.follower_count,
                following_count: user.following_count,
                like_count: user.likes_count,
                video_count: user.video_count,
            },
        })
    }

    async fn list_videos(
        &self,
        access_token: &AccessToken,
        cursor: Option<i64>,
        max_count: u8,
    ) -> Result<VideoPage, TikTokApiError> {
        let mut url = self.urls.video_list.clone();
        url.query_pairs_mut().append_pair("fields", VIDEO_FIELDS);
        let body = ListRequest {
            cursor,
            max_count: max_count.clamp(1, 20),
        };
        let token = access_token.expose();
        let data: VideoData = self
            .read_with_retries("video_list", || {
                self.paced(
                    ApiEndpoint::VideoList,
                    self.http.post(url.clone()).bearer_auth(token).json(&body),
                )
            })
            .await?;
        Ok(VideoPage {
            videos: data.videos.into_iter().map(Video::from).collect(),
            cursor: data.cursor.unwrap_or_default(),
            has_more: data.has_more.unwrap_or(false),
        })
    }
}

//! Syncing the creator's videos, and keeping the history snapshots of each sync.

use crate::account::{ConnectionGeneration, TikTokAccount};
use crate::content::{ListingResume, ProfileCounts, ProfileSnapshot, VideoSyncEnd};
use crate::ports::{TikTokApiError, VideoPage};
use crate::values::{AccessToken, Scope};

use super::sync::{connection_ended, ConnectionEnded};
use super::{AccountSync, ServiceError};

/// TikTok's largest page of the video list.
pub const VIDEO_PAGE_SIZE: u8 = 20;

/// Why the video sync stopped early.
enum PageError {
    /// TikTok says the grant lacks `video.list` (the creator withdrew it).
    ScopeWithdrawn,
    /// Anything else: TikTok or storage failing.
    Failed(ServiceError),
}

impl AccountSync {
    /// Keeps the profile counts as the snapshot of the current history period (the latest sync of a
    /// period wins). (Snapshots past the retention are deleted by the background rounds, not by a user's
    /// sync: see [`super::BackgroundRounds::purge_expired_history`].) A failure is logged: the profile is
    /// stored already, and history is a convenience. A snapshot refused because the connection
    /// `generation` ended stops the sync ([`ConnectionEnded`]).
    pub(super) async fn record_history(
        &self,
        account: &TikTokAccount,
        generation: &ConnectionGeneration,
    ) -> Result<(), ConnectionEnded> {
        let now = self.clock.now();
        let content = &self.config.content;
        let p = &account.profile;
        let counts = ProfileCounts {
            follower_count: p.follower_count,
            following_count: p.following_count,
            like_count: p.like_count,
            video_count: p.video_count,
        };
        if !counts.is_empty() {
            let recorded_at = account.last_sync_at.unwrap_or(now);
            let snapshot = ProfileSnapshot {
                bucket_start: content.history_period.bucket_of(recorded_at),
                recorded_at,
                counts,
            };
            let recorded = self
                .content
                .record_profile_snapshot(&account.user_id, generation, &snapshot)
                .await;
            match recorded {
                Ok(()) => {}
                Err(error) if connection_ended(&error) => {
                    tracing::info!("the connection ended during the sync; sync stopped");
                    return Err(ConnectionEnded);
                }
                Err(error) => {
                    tracing::warn!(%error, "profile snapshot not recorded")
                }
            }
        }
        Ok(())
    }

    /// Pulls the creator's public videos, [`VIDEO_PAGE_SIZE`] a page, newest first, storing each page as it
    /// comes.
    ///
    /// The rule: a **full** sync lists every page: the first sync, and any sync when the last complete
    /// listing is older than `full_video_sync_every`. A later, **incremental** sync stops after the first
    /// page whose videos are all older than `video_refresh_window` and came back exactly as stored: counts
    /// of old videos rarely move, and the next full sync refreshes them. Having listed every page, a sync
    /// marks the videos it did not see as deleted (deleted at TikTok, or made private) and hides them.
    /// No sync requests more than `max_video_pages_per_sync` pages; a listing cut short there, or by a
    /// failed page, marks nothing deleted, and a failed page leaves stored videos as they were. A full
    /// listing cut short by the page budget is kept ([`crate::content::ListingResume`]): the next sync
    /// continues it from its cursor instead of starting over, so that any account converges to its full
    /// set; deletions are applied once the listing completes, to the videos not seen since it began.
    ///
    /// Each page and the sync's end are stored under the connection `generation`; once storage refuses one
    /// (the connection ended), no further page is requested or stored ([`ConnectionEnded`]).
    pub(super) async fn sync_videos(
        &self,
        account: &TikTokAccount,
        generation: &ConnectionGeneration,
        mut token: AccessToken,
    ) -> Result<(), ConnectionEnded> {
        let user_id = &account.user_id;
        let config = &self.config.content;
        let started = self.clock.now();
        let state = match self.content.video_sync_state(user_id).await {
            Ok(state) => state,
            Err(error) => {
                tracing::warn!(%error, "video sync skipped: storage failed");
                return Ok(());
            }
        };
        let full = state.resume.is_some()
            || state
                .last_full_sync_at
                .is_none_or(|at| started - at >= config.full_video_sync_every);
        let listing_since = state.resume.map_or(started, |r| r.since);
        let old_before = (started - config.video_refresh_window).timestamp();
        let bucket = config.history_period.bucket_of(started);
        let (mut cursor, mut pages) = (state.resume.map(|r| r.cursor), 0u32);
        let mut resume = None;
        let complete = loop {
            if pages >= config.max_video_pages_per_sync {
                tracing::warn!(
                    pages,
                    full,
                    "video sync stopped at its page budget; the next sync continues the listing"
                );
                resume = full
                    .then_some(cursor)
                    .flatten()
                    .map(|cursor| ListingResume {
                        cursor,
                        since: listing_since,
                    });
                break false;
            }
            let page = match self.video_page(account, &mut token, cursor).await {
                Ok(page) => page,
                Err(PageError::ScopeWithdrawn) => {
                    self.video_scope_withdrawn(account).await;
                    return Ok(());
                }
                Err(PageError::Failed(error)) => {
                    tracing::warn!(pages, %error, "video sync stopped; stored videos kept as they were");
                    return Ok(());
                }
            };
            pages += 1;
            let report = match page.videos.is_empty() {
                true => Default::default(),
                false => match self
                    .content
                    .upsert_videos(user_id, generation, &page.videos, started, bucket)
                    .await
                {
                    Ok(report) => report,
                    Err(error) if connection_ended(&error) => {
                        tracing::info!(
                            pages,
                            "the connection ended during the video sync; sync stopped"
                        );
                        return Err(ConnectionEnded);
                    }
                    Err(error) => {
                        tracing::warn!(%error, "video sync stopped: storage failed");
                        return Ok(());
                    }
                },
            };
            if !page.has_more {
                break true;
            }
            let all_old = page
                .videos
                .iter()
                .all(|v| v.create_time.is_some_and(|t| t < old_before));
            let caught_up =
                !page.videos.is_empty() && all_old && report.inserted == 0 && report.changed == 0;
            if !full && caught_up {
                break false;
            }
            if cursor == Some(page.cursor) {
                tracing::warn!("TikTok's video cursor did not move; stopping");
                break false;
            }
            cursor = Some(page.cursor);
        };
        let end = VideoSyncEnd {
            at: self.clock.now(),
            complete_listing_since: complete.then_some(listing_since),
            resume,
        };
        let finished = self
            .content
            .finish_video_sync(user_id, generation, &end)
            .await;
        match finished {
            Ok(deleted) => {
                tracing::info!(
                    pages,
                    full,
                    complete,
                    deleted,
                    resumable = resume.is_some(),
                    "videos synced"
                )
            }
            Err(error) if connection_ended(&error) => {
                tracing::info!("the connection ended during the video sync; sync stopped");
                return Err(ConnectionEnded);
            }
            Err(error) => tracing::warn!(%error, "video sync end not recorded"),
        }
        Ok(())
    }

    /// One page; on `access_token_invalid`, one forced refresh and one retry.
    async fn video_page(
        &self,
        account: &TikTokAccount,
        token: &mut AccessToken,
        cursor: Option<i64>,
    ) -> Result<VideoPage, PageError> {
        let data = &self.data;
        let result = match data.list_videos(token, cursor, VIDEO_PAGE_SIZE).await {
            Err(TikTokApiError::AccessTokenInvalid) => {
                *token = self
                    .forced_token(account)
                    .await
                    .map_err(PageError::Failed)?;
                data.list_videos(token, cursor, VIDEO_PAGE_SIZE).await
            }
            other => other,
        };
        result.map_err(|error| match error {
            TikTokApiError::ScopeNotAuthorized => PageError::ScopeWithdrawn,
            other => PageError::Failed(other.into()),
        })
    }

    /// The creator withdrew `video.list` at TikTok: the stored scopes say so from now on (the status
    /// lists videos as missing), and later syncs skip the videos. The profile sync goes on.
    async fn video_scope_withdrawn(&self, account: &TikTokAccount) {
        let user_id = &account.user_id;
        tracing::warn!("TikTok says video.list is no longer granted; videos skipped");
        let scopes = account.scopes.without(Scope::VIDEO_LIST);
        let saved = self
            .accounts
            .save_scopes(user_id, &scopes, self.clock.now())
            .await;
        if let Err(error) = saved {
            tracing::warn!(%error, "withdrawn scope not recorded");
        }
    }
}

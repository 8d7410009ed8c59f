//! Reading stored content: videos, history, metrics with analytics. No TikTok call, a constant number of
//! queries whatever the creator's size. The analytics are computed when a sync stored new data and kept,
//! so a metrics read is one lookup (the account joined with its kept analytics) rather than nine queries.

use chrono::{DateTime, Duration, Utc};

use crate::account::{ConnectionGeneration, ConnectionState, TikTokAccount};
use crate::analytics::{Analytics, ENGAGEMENT_DAYS, GROWTH_DAYS};
use crate::content::{AnalyticsQuery, HistoryInterval, HistoryPoint, VideoList, VideoQuery};
use crate::values::UserId;

use super::sync::connection_ended;
use super::{AccountMetrics, AccountService, Caller, MetricsReport, ServiceError};

/// The history window when the caller names none: the last 30 days.
pub const DEFAULT_HISTORY_DAYS: i64 = 30;

/// A history series as the endpoint returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySeries {
    /// Start of the window (inclusive).
    pub from: DateTime<Utc>,
    /// End of the window (exclusive).
    pub to: DateTime<Utc>,
    /// Day or week.
    pub interval: HistoryInterval,
    /// One point per day or week holding a snapshot, oldest first.
    pub points: Vec<HistoryPoint>,
}

impl AccountService {
    /// One page of the creator's stored videos, deleted ones hidden. `limit` is capped at
    /// `videos_max_limit`; a cursor issued under another sort is refused.
    pub async fn videos(
        &self,
        caller: &Caller,
        user_id: &UserId,
        query: VideoQuery,
    ) -> Result<VideoList, ServiceError> {
        self.authorize(caller, user_id)?;
        if query.after.as_ref().is_some_and(|c| c.sort != query.sort) {
            return Err(ServiceError::InvalidRequest(
                "cursor belongs to another sort".into(),
            ));
        }
        self.readable_account(user_id).await?;
        let query = VideoQuery {
            limit: query.limit.clamp(1, self.config.content.videos_max_limit),
            ..query
        };
        Ok(self.ports.content.list_videos(user_id, &query).await?)
    }

    /// The follower, following, like and video counts over time: the last snapshot of each UTC day or
    /// ISO week in `[from, to)`. `to` defaults to now, `from` to 30 days before `to`.
    pub async fn history(
        &self,
        caller: &Caller,
        user_id: &UserId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        interval: HistoryInterval,
    ) -> Result<HistorySeries, ServiceError> {
        self.authorize(caller, user_id)?;
        let to = to.unwrap_or_else(|| self.ports.clock.now());
        // Checked: a `to` at the edge of the representable range must not panic.
        let from = match from {
            Some(from) => from,
            None => to
                .checked_sub_signed(Duration::days(DEFAULT_HISTORY_DAYS))
                .ok_or_else(|| ServiceError::InvalidRequest("to is out of range".into()))?,
        };
        if from >= to {
            return Err(ServiceError::InvalidRequest(
                "from must be before to".into(),
            ));
        }
        self.readable_account(user_id).await?;
        let points = self
            .ports
            .content
            .profile_history(user_id, from, to, interval)
            .await?;
        Ok(HistorySeries {
            from,
            to,
            interval,
            points,
        })
    }

    /// The stored counts with growth, engagement, views and top videos, as the last sync computed them
    /// (one read of the account with its kept analytics). A `reauth_required` account still shows its last
    /// known data.
    pub async fn metrics_report(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<MetricsReport, ServiceError> {
        self.authorize(caller, user_id)?;
        let (account, kept) = self
            .ports
            .accounts
            .find_with_analytics(user_id)
            .await?
            .unzip();
        let account = shown(account)?;
        let analytics = match (kept.flatten(), &account.generation) {
            (Some(kept), _) => kept,
            // Never synced since analytics were kept (or kept by an older layout): computed now, and kept
            // (for this connection only: refused once it ended).
            (None, Some(generation)) => self.keep_analytics(user_id, generation).await?,
            (None, None) => self.compute_analytics(user_id).await?,
        };
        Ok(MetricsReport {
            metrics: AccountMetrics::of(&account),
            analytics,
        })
    }

    /// Syncs, then answers the metrics report of the account as the sync stored it (one authorization, one
    /// read of the account: what `sync` followed by `metrics_report` would do twice).
    pub async fn sync_report(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<MetricsReport, ServiceError> {
        self.authorize(caller, user_id)?;
        let synced = self.synced_account(user_id).await?;
        Ok(MetricsReport {
            metrics: AccountMetrics::of(&synced.account),
            analytics: synced.analytics?,
        })
    }

    /// Applies the analytics rules to the stored content, now: growth up to the latest snapshot, engagement
    /// over the videos posted in the [`ENGAGEMENT_DAYS`] before now.
    async fn compute_analytics(&self, user_id: &UserId) -> Result<Analytics, ServiceError> {
        let query = AnalyticsQuery {
            growth_days: GROWTH_DAYS.to_vec(),
            recent_since: self.ports.clock.now() - Duration::days(ENGAGEMENT_DAYS),
            top: self.config.content.top_videos,
        };
        let data = self.ports.content.analytics_data(user_id, &query).await?;
        Ok(Analytics::from_data(data))
    }

    /// Computes the analytics and keeps them for the metrics reads, under the connection `generation`.
    /// Failing to keep them is logged, not returned: the figures are right either way, the next read or
    /// sync computes them again. But when storage refuses them because that connection ended (a
    /// disconnect, purge or reconnect meanwhile), the answer is [`ServiceError::NotConnected`].
    pub(super) async fn keep_analytics(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
    ) -> Result<Analytics, ServiceError> {
        let computed_at = self.ports.clock.now();
        let analytics = self.compute_analytics(user_id).await?;
        let kept = self
            .ports
            .content
            .save_analytics(user_id, generation, &analytics, computed_at)
            .await;
        match kept {
            Ok(()) => {}
            Err(error) if connection_ended(&error) => {
                tracing::info!(user_id = %user_id, "the connection ended; analytics not kept");
                return Err(ServiceError::NotConnected);
            }
            Err(error) => {
                tracing::warn!(user_id = %user_id, %error, "analytics computed but not kept")
            }
        }
        Ok(analytics)
    }

    /// The account whose stored data may be shown: connected or awaiting reauthorization. A disconnected
    /// account's history is kept (unless purged) but shown again only after a reconnect.
    pub(super) async fn readable_account(
        &self,
        user_id: &UserId,
    ) -> Result<TikTokAccount, ServiceError> {
        shown(self.ports.accounts.find_by_user(user_id).await?)
    }
}

/// The account found, if its stored data may be shown: connected or awaiting reauthorization.
fn shown(found: Option<TikTokAccount>) -> Result<TikTokAccount, ServiceError> {
    match found {
        Some(account) if account.state != ConnectionState::Disconnected => Ok(account),
        _ => Err(ServiceError::NotConnected),
    }
}

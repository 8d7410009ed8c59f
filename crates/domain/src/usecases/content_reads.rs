//! Reading stored content: videos, history, metrics with analytics. No TikTok call, a constant number of
//! queries whatever the creator's size. The analytics are computed when a sync stored new data and kept,
//! so a metrics read is one lookup (the account joined with its kept analytics) rather than nine queries.

use chrono::{DateTime, Duration, Utc};

use std::sync::Arc;

use crate::account::TikTokAccount;
use crate::content::{HistoryInterval, HistoryPoint, VideoList, VideoQuery};
use crate::ports::{AccountRepository, Clock, ContentRepository};
use crate::values::UserId;

use super::analytics_keeper::AnalyticsKeeper;
use super::caller::ensure_may_act_for;
use super::lookup::readable;
use super::{AccountMetrics, Caller, ConnectionStatus, MetricsReport, ServiceConfig, ServiceError};

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

/// Reading what is stored of a connection: status, videos, history, metrics with analytics. No TikTok
/// call: it holds storage and the clock only.
#[derive(Clone)]
pub struct ContentReads {
    pub(super) accounts: Arc<dyn AccountRepository>,
    pub(super) content: Arc<dyn ContentRepository>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) config: Arc<ServiceConfig>,
    pub(super) analytics: AnalyticsKeeper,
}

impl ContentReads {
    /// The user's connection status; a user who never connected is `not_connected`, not an error.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn status(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<ConnectionStatus, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let account = self.accounts.find_by_user(user_id).await?;
        Ok(ConnectionStatus::of(user_id.clone(), account)
            .with_reauth_warning(self.clock.now(), self.config.reauth_warning))
    }

    /// The stored counts alone, without the analytics of [`ContentReads::metrics_report`] (for library
    /// callers that need only them). A `reauth_required` account still shows its last known counts.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn metrics(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<AccountMetrics, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        Ok(AccountMetrics::of(&self.readable_account(user_id).await?))
    }

    /// One page of the creator's stored videos, deleted ones hidden. `limit` is capped at
    /// `videos_max_limit`; a cursor issued under another sort is refused.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn videos(
        &self,
        caller: &Caller,
        user_id: &UserId,
        query: VideoQuery,
    ) -> Result<VideoList, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
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
        Ok(self.content.list_videos(user_id, &query).await?)
    }

    /// The follower, following, like and video counts over time: the last snapshot of each UTC day or
    /// ISO week in `[from, to)`. `to` defaults to now, `from` to 30 days before `to`.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn history(
        &self,
        caller: &Caller,
        user_id: &UserId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        interval: HistoryInterval,
    ) -> Result<HistorySeries, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let to = to.unwrap_or_else(|| self.clock.now());
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
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn metrics_report(
        &self,
        caller: &Caller,
        user_id: &UserId,
    ) -> Result<MetricsReport, ServiceError> {
        ensure_may_act_for(caller, user_id)?;
        let (account, kept) = self.accounts.find_with_analytics(user_id).await?.unzip();
        let account = readable(account)?;
        let analytics = match (kept.flatten(), &account.generation) {
            (Some(kept), _) => kept,
            // Never synced since analytics were kept (or kept by an older layout): computed now, and kept
            // (for this connection only: refused once it ended).
            (None, Some(generation)) => self.analytics.keep(user_id, generation).await?,
            (None, None) => self.analytics.compute(user_id).await?,
        };
        Ok(MetricsReport {
            metrics: AccountMetrics::of(&account),
            analytics,
        })
    }

    /// The account whose stored data may be shown: connected or awaiting reauthorization. A disconnected
    /// account's history is kept (unless purged) but shown again only after a reconnect.
    pub(super) async fn readable_account(
        &self,
        user_id: &UserId,
    ) -> Result<TikTokAccount, ServiceError> {
        readable(self.accounts.find_by_user(user_id).await?)
    }
}

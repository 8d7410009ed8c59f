//! Computing a creator's analytics from what is stored, and keeping them for the metrics reads.

use std::sync::Arc;

use chrono::Duration;

use crate::account::ConnectionGeneration;
use crate::analytics::{Analytics, ENGAGEMENT_DAYS, GROWTH_DAYS};
use crate::content::AnalyticsQuery;
use crate::ports::{Clock, ContentRepository};
use crate::values::UserId;

use super::sync::connection_ended;
use super::ServiceError;

/// Computes the analytics and keeps them: after a sync stored new data, and on a read that finds none
/// kept. Shared by [`super::AccountSync`] and [`super::ContentReads`].
#[derive(Clone)]
pub(super) struct AnalyticsKeeper {
    pub(super) content: Arc<dyn ContentRepository>,
    pub(super) clock: Arc<dyn Clock>,
    /// How many top videos the analytics list.
    pub(super) top_videos: u32,
}

impl AnalyticsKeeper {
    /// Applies the analytics rules to the stored content, now: growth up to the latest snapshot, engagement
    /// over the videos posted in the [`ENGAGEMENT_DAYS`] before now.
    pub(super) async fn compute(&self, user_id: &UserId) -> Result<Analytics, ServiceError> {
        let query = AnalyticsQuery {
            growth_days: GROWTH_DAYS.to_vec(),
            recent_since: self.clock.now() - Duration::days(ENGAGEMENT_DAYS),
            top: self.top_videos,
        };
        let data = self.content.analytics_data(user_id, &query).await?;
        Ok(Analytics::from_data(data))
    }

    /// Computes the analytics and keeps them for the metrics reads, under the connection `generation`.
    /// Failing to keep them is logged, not returned: the figures are right either way, the next read or
    /// sync computes them again. But when storage refuses them because that connection ended (a
    /// disconnect, purge or reconnect meanwhile), the answer is [`ServiceError::NotConnected`].
    pub(super) async fn keep(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
    ) -> Result<Analytics, ServiceError> {
        let computed_at = self.clock.now();
        let analytics = self.compute(user_id).await?;
        let kept = self
            .content
            .save_analytics(user_id, generation, &analytics, computed_at)
            .await;
        match kept {
            Ok(()) => {}
            Err(error) if connection_ended(&error) => {
                tracing::info!("the connection ended; analytics not kept");
                return Err(ServiceError::NotConnected);
            }
            Err(error) => {
                tracing::warn!(%error, "analytics computed but not kept")
            }
        }
        Ok(analytics)
    }
}

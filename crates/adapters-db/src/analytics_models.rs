//! The stored form of a creator's kept analytics: a JSON body in a numbered layout, so that the domain's
//! `Analytics` can change without a migration (a row of another layout is read as missing and computed
//! again). Nothing here leaves the crate.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use tiktok_domain::analytics::{Analytics, Growth};
use tiktok_domain::content::StoredVideo;
use tiktok_domain::ports::Video;

use crate::models::naive;
use crate::schema::tiktok_analytics;

/// The layout [`AnalyticsBody`] writes; bump it when the body changes in a way older readers cannot read.
pub(crate) const LAYOUT: i32 = 1;

/// A `tiktok_analytics` row.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tiktok_analytics)]
pub(crate) struct AnalyticsRow {
    pub user_id: String,
    pub computed_at: NaiveDateTime,
    pub layout: i32,
    pub body: String,
}

impl AnalyticsRow {
    /// The row keeping `analytics` of `user`, computed at `computed_at`.
    pub(crate) fn new(
        user: &str,
        analytics: &Analytics,
        computed_at: DateTime<Utc>,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            user_id: user.to_owned(),
            computed_at: naive(computed_at),
            layout: LAYOUT,
            body: serde_json::to_string(&AnalyticsBody::from(analytics))?,
        })
    }

    /// The analytics kept in this row; `None` for another layout or a body that does not parse.
    pub(crate) fn analytics(&self) -> Option<Analytics> {
        if self.layout != LAYOUT {
            return None;
        }
        match serde_json::from_str::<AnalyticsBody>(&self.body) {
            Ok(body) => Some(body.into()),
            Err(error) => {
                tracing::warn!(user_id = %self.user_id, %error, "kept analytics unreadable; computing them again");
                None
            }
        }
    }
}

/// Layout 1 of the body.
#[derive(Debug, Serialize, Deserialize)]
struct AnalyticsBody {
    as_of: Option<DateTime<Utc>>,
    growth: Vec<GrowthEntry>,
    engagement_rate_30d: Option<f64>,
    views_total: Option<i64>,
    views_average: Option<f64>,
    top_videos: Vec<VideoEntry>,
    videos_synced_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct GrowthEntry {
    days: i64,
    absolute: Option<i64>,
    percent: Option<f64>,
    since: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct VideoEntry {
    id: String,
    title: Option<String>,
    description: Option<String>,
    create_time: Option<i64>,
    duration: Option<i64>,
    share_url: Option<String>,
    embed_link: Option<String>,
    view_count: Option<i64>,
    like_count: Option<i64>,
    comment_count: Option<i64>,
    share_count: Option<i64>,
    first_seen_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

impl From<&Analytics> for AnalyticsBody {
    fn from(a: &Analytics) -> Self {
        Self {
            as_of: a.as_of,
            growth: a
                .growth
                .iter()
                .map(|(days, g)| GrowthEntry {
                    days: *days,
                    absolute: g.map(|g| g.absolute),
                    percent: g.and_then(|g| g.percent),
                    since: g.map(|g| g.since),
                })
                .collect(),
            engagement_rate_30d: a.engagement_rate_30d,
            views_total: a.views_total,
            views_average: a.views_average,
            top_videos: a.top_videos.iter().map(VideoEntry::from).collect(),
            videos_synced_at: a.videos_synced_at,
        }
    }
}

impl From<AnalyticsBody> for Analytics {
    fn from(b: AnalyticsBody) -> Self {
        Self {
            as_of: b.as_of,
            growth: b
                .growth
                .into_iter()
                .map(|g| {
                    let measured = g.absolute.zip(g.since).map(|(absolute, since)| Growth {
                        absolute,
                        percent: g.percent,
                        since,
                    });
                    (g.days, measured)
                })
                .collect(),
            engagement_rate_30d: b.engagement_rate_30d,
            views_total: b.views_total,
            views_average: b.views_average,
            top_videos: b.top_videos.into_iter().map(StoredVideo::from).collect(),
            videos_synced_at: b.videos_synced_at,
        }
    }
}

impl From<&StoredVideo> for VideoEntry {
    fn from(s: &StoredVideo) -> Self {
        let v = &s.video;
        Self {
            id: v.id.clone(),
            title: v.title.clone(),
            description: v.description.clone(),
            create_time: v.create_time,
            duration: v.duration,
            share_url: v.share_url.clone(),
            embed_link: v.embed_link.clone(),
            view_count: v.view_count,
            like_count: v.like_count,
            comment_count: v.comment_count,
            share_count: v.share_count,
            first_seen_at: s.first_seen_at,
            last_seen_at: s.last_seen_at,
        }
    }
}

impl From<VideoEntry> for StoredVideo {
    fn from(e: VideoEntry) -> Self {
        Self {
            video: Video {
                id: e.id,
                title: e.title,
                description: e.description,
                create_time: e.create_time,
                duration: e.duration,
                share_url: e.share_url,
                embed_link: e.embed_link,
                view_count: e.view_count,
                like_count: e.like_count,
                comment_count: e.comment_count,
                share_count: e.share_count,
            },
            first_seen_at: e.first_seen_at,
            last_seen_at: e.last_seen_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(layout: i32, body: &str) -> AnalyticsRow {
        AnalyticsRow {
            user_id: "u".into(),
            computed_at: naive(Utc::now()),
            layout,
            body: body.into(),
        }
    }

    #[test]
    fn a_row_of_another_layout_or_an_unreadable_body_reads_as_missing() {
        let analytics = Analytics {
            views_total: Some(7),
            ..Analytics::default()
        };
        let kept = AnalyticsRow::new("u", &analytics, Utc::now()).unwrap();
        assert_eq!(kept.analytics(), Some(analytics));
        assert_eq!(row(LAYOUT + 1, &kept.body).analytics(), None);
        assert_eq!(row(LAYOUT, "{\"as_of\":").analytics(), None);
        assert_eq!(
            row(LAYOUT, "{}").analytics(),
            None,
            "every field is required"
        );
    }
}

-- The analytics of each creator as the last sync computed them (growth, engagement, views, top videos), so
-- that a metrics read is one primary-key lookup instead of eight queries over snapshots and videos.
-- body is JSON in the layout numbered by layout; a row of an unknown layout is computed again on read.
CREATE TABLE tiktok_analytics (
    user_id     TEXT      NOT NULL PRIMARY KEY,
    computed_at TIMESTAMP NOT NULL,
    layout      INTEGER   NOT NULL,
    body        TEXT      NOT NULL
);

-- History: profile counts at most once per user and history period. bucket_start is the period's start,
-- recorded_at the sync that wrote the counts; the latest sync of a period wins. Growth reads these.
CREATE TABLE tiktok_profile_snapshots (
    user_id         TEXT      NOT NULL,
    bucket_start    TIMESTAMP NOT NULL,
    recorded_at     TIMESTAMP NOT NULL,
    follower_count  BIGINT    NULL,
    following_count BIGINT    NULL,
    like_count      BIGINT    NULL,
    video_count     BIGINT    NULL,
    CONSTRAINT tiktok_profile_snapshots_pkey PRIMARY KEY (user_id, bucket_start)
);
CREATE INDEX tiktok_profile_snapshots_bucket_idx ON tiktok_profile_snapshots (bucket_start);

-- The same counts rolled up as they are written: the latest snapshot of each UTC day ('day') and ISO week
-- starting Monday ('week'). The history endpoint reads one row per point, whatever the period.
CREATE TABLE tiktok_profile_rollups (
    user_id         TEXT      NOT NULL,
    span            TEXT      NOT NULL CHECK (span IN ('day', 'week')),
    span_start      TIMESTAMP NOT NULL,
    recorded_at     TIMESTAMP NOT NULL,
    follower_count  BIGINT    NULL,
    following_count BIGINT    NULL,
    like_count      BIGINT    NULL,
    video_count     BIGINT    NULL,
    CONSTRAINT tiktok_profile_rollups_pkey PRIMARY KEY (user_id, span, span_start)
);
CREATE INDEX tiktok_profile_rollups_start_idx ON tiktok_profile_rollups (span_start);

-- A video's counts, kept only when they changed (a step series), at most once per period.
CREATE TABLE tiktok_video_snapshots (
    user_id       TEXT      NOT NULL,
    video_id      TEXT      NOT NULL,
    bucket_start  TIMESTAMP NOT NULL,
    recorded_at   TIMESTAMP NOT NULL,
    view_count    BIGINT    NULL,
    like_count    BIGINT    NULL,
    comment_count BIGINT    NULL,
    share_count   BIGINT    NULL,
    CONSTRAINT tiktok_video_snapshots_pkey PRIMARY KEY (user_id, video_id, bucket_start)
);
CREATE INDEX tiktok_video_snapshots_bucket_idx ON tiktok_video_snapshots (bucket_start);

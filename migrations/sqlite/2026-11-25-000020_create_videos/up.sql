-- A creator's public videos as TikTok last listed them, keyed by the product user. Video ids are TikTok's
-- 19-digit strings (beyond 2^53), kept as text. Cover image URLs are not stored: TikTok signs them for
-- 6 hours. Instants are UTC (TIMESTAMP without zone).
CREATE TABLE tiktok_videos (
    user_id        TEXT      NOT NULL,
    video_id       TEXT      NOT NULL,
    title          TEXT      NULL,
    description    TEXT      NULL,
    create_time    TIMESTAMP NULL,
    duration       BIGINT    NULL,
    share_url      TEXT      NULL,
    embed_link     TEXT      NULL,
    view_count     BIGINT    NULL,
    like_count     BIGINT    NULL,
    comment_count  BIGINT    NULL,
    share_count    BIGINT    NULL,
    -- Keyset sort keys: create_time in Unix seconds and view_count, -1 when TikTok did not send them.
    sort_created   BIGINT    NOT NULL,
    sort_views     BIGINT    NOT NULL,
    first_seen_at  TIMESTAMP NOT NULL,
    last_seen_at   TIMESTAMP NOT NULL,
    -- Set when a complete listing no longer shows the video (deleted at TikTok or made private).
    deleted_at     TIMESTAMP NULL,
    CONSTRAINT tiktok_videos_pkey PRIMARY KEY (user_id, video_id)
);

-- Keyset pagination (newest, oldest, most viewed) and the engagement window, over visible videos only.
CREATE INDEX tiktok_videos_created_idx ON tiktok_videos (user_id, sort_created, video_id)
    WHERE deleted_at IS NULL;
CREATE INDEX tiktok_videos_views_idx ON tiktok_videos (user_id, sort_views, video_id)
    WHERE deleted_at IS NULL;

-- Where each account's video sync stands.
CREATE TABLE tiktok_video_syncs (
    user_id           TEXT      NOT NULL PRIMARY KEY,
    videos_synced_at  TIMESTAMP NULL,
    last_full_sync_at TIMESTAMP NULL
);

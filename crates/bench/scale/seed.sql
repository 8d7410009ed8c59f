-- Seeds :n connected accounts (user-1 … user-:n), each with a grant, profile stats and 20 videos, in two
-- set-based INSERTs (100,000 accounts in about two minutes on the bench machine). The rows have the shape
-- the repository writes (every NOT NULL column, the grant all-or-nothing check, status/is_active), and the
-- tokens have the length of sealed tokens (the service never opens them for status or metrics reads).
-- Half the accounts have a sync claim that expired up to an hour ago, half one that runs up to an hour on:
-- the state in the middle of a sync round.
INSERT INTO tiktok_accounts (user_id, tiktok_user_id, union_id, username, display_name, avatar_url,
    follower_count, following_count, like_count, video_count, access_token, refresh_token,
    access_token_expires_at, refresh_token_expires_at, scopes, status, is_active, last_sync_at,
    connected_at, updated_at, connection_generation, sync_claimed_until, sync_claimed_by)
SELECT 'user-' || g, 'open-' || md5(g::text), 'union-' || md5(g::text), 'creator' || g, 'Creator ' || g,
    'https://p16-sign.tiktokcdn.com/avatar/' || md5(g::text) || '.jpeg',
    (random() * 1e6)::bigint, (random() * 1e3)::bigint, (random() * 1e8)::bigint, 20,
    'v1:bench:' || encode(decode(repeat(md5(random()::text), 4), 'hex'), 'base64'),
    'v1:bench:' || encode(decode(repeat(md5(random()::text), 4), 'hex'), 'base64'),
    now() + make_interval(secs => random() * 86400), now() + interval '365 days',
    'user.info.basic,user.info.profile,user.info.stats,video.list', 'connected', true,
    now() - make_interval(secs => random() * 3600), now() - interval '30 days', now(), md5(g::text),
    CASE WHEN g % 2 = 0 THEN now() + make_interval(secs => random() * 3600)
         ELSE now() - make_interval(secs => random() * 3600) END,
    'bench-replica'
FROM generate_series(1, :n) g;

INSERT INTO tiktok_videos (user_id, video_id, title, description, create_time, duration, share_url,
    embed_link, view_count, like_count, comment_count, share_count, sort_created, sort_views,
    first_seen_at, last_seen_at)
SELECT 'user-' || g, (7000000000000000000 + g * 100 + v)::text, 'Video ' || v || ' of creator ' || g,
    'A description of video ' || v || ' #fyp #creator', now() - make_interval(days => v), 15 + v,
    'https://www.tiktok.com/@creator' || g || '/video/' || (7000000000000000000 + g * 100 + v),
    'https://www.tiktok.com/embed/v2/' || (7000000000000000000 + g * 100 + v),
    (random() * 1e6)::bigint, (random() * 1e5)::bigint, (random() * 1e3)::bigint, (random() * 1e3)::bigint,
    extract(epoch FROM now())::bigint - v * 86400, (random() * 1e6)::bigint, now(), now()
FROM generate_series(1, :n) g, generate_series(1, 20) v;

VACUUM ANALYZE;

-- Seeds :n connected accounts (user-1 … user-:n), each with a grant, profile stats, 20 videos and the
-- analytics its last sync kept, in three
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

-- `sort_created` and `sort_views` are the keyset keys the repository derives from `create_time` and
-- `view_count` (VideoSort::key_of); the subquery draws each video's views once for both columns.
INSERT INTO tiktok_videos (user_id, video_id, title, description, create_time, duration, share_url,
    embed_link, view_count, like_count, comment_count, share_count, sort_created, sort_views,
    first_seen_at, last_seen_at)
SELECT 'user-' || g, (7000000000000000000 + g * 100 + v)::text, 'Video ' || v || ' of creator ' || g,
    'A description of video ' || v || ' #fyp #creator', now() - make_interval(days => v), 15 + v,
    'https://www.tiktok.com/@creator' || g || '/video/' || (7000000000000000000 + g * 100 + v),
    'https://www.tiktok.com/embed/v2/' || (7000000000000000000 + g * 100 + v),
    views, (random() * 1e5)::bigint, (random() * 1e3)::bigint, (random() * 1e3)::bigint,
    extract(epoch FROM now())::bigint - v * 86400, views, now(), now()
FROM (SELECT g, v, (random() * 1e6)::bigint AS views
      FROM generate_series(1, :n) g, generate_series(1, 20) v) seeded;

-- The analytics each account's last sync kept (`tiktok_analytics`, layout 1 of
-- crates/adapters-db/src/analytics_models.rs), built from its seeded videos: growth over 1, 7 and 30 days,
-- the view totals, and the five most viewed videos. The metrics read serves these, as in production after
-- a sync; without them it would compute the analytics from the videos on every read.
-- The body's `create_time` is TikTok's epoch seconds: `sort_created` holds it (the `create_time` column is a
-- timestamp).
INSERT INTO tiktok_analytics (user_id, computed_at, layout, body)
SELECT a.user_id, a.last_sync_at, 1, json_build_object(
    'as_of', to_char(a.last_sync_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'growth', (SELECT json_agg(json_build_object(
                   'days', d, 'absolute', (a.follower_count * 0.002 * d)::bigint,
                   'percent', round(0.2 * d, 2),
                   'since', to_char(a.last_sync_at - make_interval(days => d), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                   ORDER BY d)
               FROM unnest(ARRAY[1, 7, 30]) d),
    'engagement_rate_30d', round(CAST(random() * 0.1 AS numeric), 4),
    'views_total', t.total,
    'views_average', round(t.average, 2),
    'top_videos', (SELECT json_agg(json_build_object(
                       'id', v.video_id, 'title', v.title, 'description', v.description,
                       'create_time', v.sort_created, 'duration', v.duration, 'share_url', v.share_url,
                       'embed_link', v.embed_link, 'view_count', v.view_count, 'like_count', v.like_count,
                       'comment_count', v.comment_count, 'share_count', v.share_count,
                       'first_seen_at', to_char(v.first_seen_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'last_seen_at', to_char(v.last_seen_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                       ORDER BY v.sort_views DESC, v.video_id DESC)
                   FROM (SELECT * FROM tiktok_videos WHERE user_id = a.user_id
                         ORDER BY sort_views DESC, video_id DESC LIMIT 5) v),
    'videos_synced_at', to_char(a.last_sync_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text
FROM tiktok_accounts a,
     LATERAL (SELECT sum(view_count) AS total, avg(view_count) AS average
              FROM tiktok_videos WHERE user_id = a.user_id) t;

VACUUM ANALYZE;

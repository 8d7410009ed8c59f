-- The background claim queries as the repository sends them (adapters-db/src/schedule.rs), on :n accounts.
\echo '### sync claim: candidates (limit 50, the scheduler''s batch)'
EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM tiktok_accounts
 WHERE status = 'connected' AND COALESCE(sync_claimed_until, connected_at) <= now()::timestamp
 ORDER BY COALESCE(sync_claimed_until, connected_at), id LIMIT 50;
\echo '### sync claim: candidates when none is due (the query that ends a round)'
EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM tiktok_accounts
 WHERE status = 'connected' AND COALESCE(sync_claimed_until, connected_at) <= (now() - interval '2 hours')::timestamp
 ORDER BY COALESCE(sync_claimed_until, connected_at), id LIMIT 50;
\echo '### sync claim: the conditional UPDATE of one candidate'
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF) UPDATE tiktok_accounts SET sync_claimed_until = now()::timestamp + interval '1 hour', sync_claimed_by = 'bench'
 WHERE id = (SELECT min(id) FROM tiktok_accounts) AND status = 'connected'
   AND COALESCE(sync_claimed_until, connected_at) <= now()::timestamp RETURNING user_id;
ROLLBACK;
\echo '### refresher: due for refresh (limit 500, its batch)'
EXPLAIN (ANALYZE, COSTS OFF) SELECT user_id FROM tiktok_accounts
 WHERE status = 'connected' AND access_token_expires_at < (now() + interval '10 minutes')::timestamp
 ORDER BY access_token_expires_at LIMIT 500;
\echo '### round behind by N (once a minute, and in the accounts command)'
EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM tiktok_accounts
 WHERE status = 'connected' AND COALESCE(sync_claimed_until, connected_at) <= (now() - interval '30 minutes')::timestamp;
\echo '### size'
SELECT pg_size_pretty(pg_database_size(current_database())) AS database,
       pg_database_size(current_database()) / :n AS bytes_per_account,
       pg_size_pretty(pg_total_relation_size('tiktok_accounts')) AS accounts,
       pg_size_pretty(pg_total_relation_size('tiktok_videos')) AS videos;

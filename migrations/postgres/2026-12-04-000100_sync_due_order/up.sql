-- The sync scheduler claims the accounts whose sync has been due longest first (never-claimed ones due since
-- they connected), and counts those due for more than one interval ("round behind by N"). Both read this
-- index in order and stop at the limit, so a claim costs the same at 1,000 or 100,000 accounts; without it
-- a claim with nothing due scanned every connected account.
CREATE INDEX tiktok_accounts_sync_due_idx
    ON tiktok_accounts ((COALESCE(sync_claimed_until, connected_at)), id)
    WHERE status = 'connected';

-- Background sync: a replica claims an account for one round (conditional UPDATE: claim free or expired).
ALTER TABLE tiktok_accounts ADD COLUMN sync_claimed_until TIMESTAMP NULL;
ALTER TABLE tiktok_accounts ADD COLUMN sync_claimed_by TEXT NULL;
CREATE INDEX tiktok_accounts_access_token_expires_at_idx ON tiktok_accounts (access_token_expires_at);

-- The shared TikTok request budget: one row per request let through, kept for about two minutes.
CREATE TABLE tiktok_request_log (
    id       BIGSERIAL PRIMARY KEY,
    endpoint TEXT      NOT NULL,
    at       TIMESTAMP NOT NULL
);
CREATE INDEX tiktok_request_log_endpoint_at_idx ON tiktok_request_log (endpoint, at);

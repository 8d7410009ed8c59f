DROP TABLE tiktok_request_log;
DROP INDEX tiktok_accounts_access_token_expires_at_idx;
ALTER TABLE tiktok_accounts DROP COLUMN sync_claimed_by;
ALTER TABLE tiktok_accounts DROP COLUMN sync_claimed_until;

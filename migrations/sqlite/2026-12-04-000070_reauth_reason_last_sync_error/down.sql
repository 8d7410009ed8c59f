ALTER TABLE tiktok_accounts DROP COLUMN last_sync_error_at;
ALTER TABLE tiktok_accounts DROP COLUMN last_sync_error_message;
ALTER TABLE tiktok_accounts DROP COLUMN last_sync_error_code;
ALTER TABLE tiktok_accounts DROP COLUMN reauth_reason;

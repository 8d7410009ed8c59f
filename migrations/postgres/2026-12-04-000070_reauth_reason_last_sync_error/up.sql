-- Why TikTok stopped accepting a grant (set with status reauth_required, cleared on reconnect), and the last
-- sync that failed (its contract error code, a sentence without secrets, and when; cleared by a good sync).
ALTER TABLE tiktok_accounts ADD COLUMN reauth_reason TEXT;
ALTER TABLE tiktok_accounts ADD COLUMN last_sync_error_code TEXT;
ALTER TABLE tiktok_accounts ADD COLUMN last_sync_error_message TEXT;
ALTER TABLE tiktok_accounts ADD COLUMN last_sync_error_at TIMESTAMP;

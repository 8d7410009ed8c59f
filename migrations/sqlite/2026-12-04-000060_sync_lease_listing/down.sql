ALTER TABLE tiktok_video_syncs DROP COLUMN listing_since;
ALTER TABLE tiktok_video_syncs DROP COLUMN listing_cursor;
ALTER TABLE tiktok_accounts DROP COLUMN sync_lease_owner;
ALTER TABLE tiktok_accounts DROP COLUMN sync_lease_until;

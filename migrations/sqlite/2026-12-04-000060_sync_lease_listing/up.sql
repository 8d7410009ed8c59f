-- One sync per account at a time across replicas: a lease taken with a conditional UPDATE (free or expired).
ALTER TABLE tiktok_accounts ADD COLUMN sync_lease_until TIMESTAMP NULL;
ALTER TABLE tiktok_accounts ADD COLUMN sync_lease_owner TEXT NULL;

-- Where an unfinished full video listing stopped, so that the next sync continues it.
ALTER TABLE tiktok_video_syncs ADD COLUMN listing_cursor BIGINT NULL;
ALTER TABLE tiktok_video_syncs ADD COLUMN listing_since TIMESTAMP NULL;

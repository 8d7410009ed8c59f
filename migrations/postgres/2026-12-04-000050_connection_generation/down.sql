ALTER TABLE tiktok_accounts DROP COLUMN connection_generation;

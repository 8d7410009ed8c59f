ALTER TABLE tiktok_accounts DROP COLUMN refresh_lease_owner;
ALTER TABLE tiktok_accounts DROP COLUMN refresh_lease_until;

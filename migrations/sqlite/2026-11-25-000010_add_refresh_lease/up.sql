-- The refresh lease: at most one token refresh per account in flight across every replica. A replica takes
-- it with a conditional UPDATE (free or expired), refreshes at TikTok, and stores the rotated pair and frees
-- the lease in one write. A crashed holder's lease simply expires.
ALTER TABLE tiktok_accounts ADD COLUMN refresh_lease_until TIMESTAMP NULL;
ALTER TABLE tiktok_accounts ADD COLUMN refresh_lease_owner TEXT NULL;

-- Which connection of the account a sync works for: a random value, new at every connect, NULL once
-- disconnected. Every write of a sync checks it in its own transaction, so that nothing of an ended
-- connection (disconnected, purged, replaced by a reconnect) is ever written again.
ALTER TABLE tiktok_accounts ADD COLUMN connection_generation TEXT NULL;
-- Accounts connected before this migration get a generation of their own.
UPDATE tiktok_accounts SET connection_generation = 'm' || md5(random()::text || clock_timestamp()::text || id::text)
    WHERE is_active;

DROP TABLE tiktok_accounts;

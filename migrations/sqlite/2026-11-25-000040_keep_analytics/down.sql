DROP TABLE tiktok_analytics;

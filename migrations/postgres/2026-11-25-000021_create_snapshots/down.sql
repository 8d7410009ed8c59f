DROP TABLE tiktok_video_snapshots;
DROP TABLE tiktok_profile_rollups;
DROP TABLE tiktok_profile_snapshots;

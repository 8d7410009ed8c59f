DROP TABLE tiktok_video_syncs;
DROP TABLE tiktok_videos;

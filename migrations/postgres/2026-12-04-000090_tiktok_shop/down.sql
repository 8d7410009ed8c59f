DROP TABLE tiktok_shop_notifications;
DROP TABLE tiktok_shop_figures;
DROP TABLE tiktok_shop_products;
DROP TABLE tiktok_shop_orders;
DROP TABLE tiktok_shop_shops;
DROP TABLE tiktok_shop_connections;

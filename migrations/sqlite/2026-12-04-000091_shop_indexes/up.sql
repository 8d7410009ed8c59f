-- TikTok Shop (issue #11): the indexes the keyset pages of the stored products and orders need beyond
-- migration 2026-12-04-000090_tiktok_shop, each in the page's sort order so that a page is one index range:
-- products of one shop (also the count of a shop's active products when figures are kept), and orders and
-- products of one status across the user's shops.
CREATE INDEX tiktok_shop_products_shop_updated_idx
    ON tiktok_shop_products (user_id, shop_id, updated_at, product_id);
CREATE INDEX tiktok_shop_products_status_updated_idx
    ON tiktok_shop_products (user_id, status, updated_at, product_id);
CREATE INDEX tiktok_shop_orders_status_created_idx
    ON tiktok_shop_orders (user_id, status, created_at, order_id);

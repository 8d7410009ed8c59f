-- TikTok Shop (issue #11): one seller connection per product user, its shops, orders, products, the figures
-- each sync keeps, and the webhook notifications already handled. Ids (shop, order, product, SKU) are
-- TikTok's digit strings beyond 2^53, kept as TEXT. Instants are UTC (TIMESTAMP without zone); TikTok's
-- absolute token expiries are stored as instants. Tokens and shop ciphers are sealed ciphertexts bound to
-- their row and column (associated data 'tiktok-integration/v1/shop_access_token/<user_id>', …,
-- 'shop_cipher/<user_id>/<shop_id>'). Money is TEXT holding the canonical decimal string TikTok sent
-- (sums are done exactly in Rust, never in SQL, so both backends keep the same text).
CREATE TABLE tiktok_shop_connections (
    user_id                  TEXT      NOT NULL PRIMARY KEY,
    open_id                  TEXT      NOT NULL,
    seller_name              TEXT      NOT NULL,
    seller_base_region       TEXT      NOT NULL,
    granted_scopes           TEXT      NOT NULL, -- JSON array of strings
    status                   TEXT      NOT NULL,
    access_token             TEXT      NULL,
    refresh_token            TEXT      NULL,
    access_token_expires_at  TIMESTAMP NULL,
    refresh_token_expires_at TIMESTAMP NULL,
    connection_generation    TEXT      NULL,
    disconnect_reason        TEXT      NULL,
    reauth_due_at            TIMESTAMP NULL,
    connected_at             TIMESTAMP NOT NULL,
    last_sync_at             TIMESTAMP NULL,
    updated_at               TIMESTAMP NOT NULL,
    refresh_lease_owner      TEXT      NULL,
    refresh_lease_until      TIMESTAMP NULL,
    CONSTRAINT tiktok_shop_connections_grant_all_or_nothing CHECK (
        (access_token IS NULL AND refresh_token IS NULL
            AND access_token_expires_at IS NULL AND refresh_token_expires_at IS NULL)
        OR (access_token IS NOT NULL AND refresh_token IS NOT NULL
            AND access_token_expires_at IS NOT NULL AND refresh_token_expires_at IS NOT NULL)
    ),
    CONSTRAINT tiktok_shop_connections_status_known CHECK (
        status IN ('connected', 'reauth_required', 'not_connected')
    )
);
-- One active connection per seller; the refresher reads connected rows by expiry.
CREATE UNIQUE INDEX tiktok_shop_connections_active_open_id_key
    ON tiktok_shop_connections (open_id) WHERE status <> 'not_connected';
CREATE INDEX tiktok_shop_connections_access_expiry_idx
    ON tiktok_shop_connections (access_token_expires_at);

CREATE TABLE tiktok_shop_shops (
    user_id               TEXT      NOT NULL,
    shop_id               TEXT      NOT NULL,
    name                  TEXT      NOT NULL,
    region                TEXT      NOT NULL,
    seller_type           TEXT      NOT NULL,
    code                  TEXT      NOT NULL,
    cipher                TEXT      NULL,
    authorized            BOOLEAN   NOT NULL CHECK (authorized IN (0, 1)),
    orders_synced_until   BIGINT    NULL,
    products_synced_until BIGINT    NULL,
    active_products       BIGINT    NULL,
    figures_computed_at   TIMESTAMP NULL,
    updated_at            TIMESTAMP NOT NULL,
    CONSTRAINT tiktok_shop_shops_pkey PRIMARY KEY (user_id, shop_id)
);
-- Webhooks name the shop, not the user.
CREATE INDEX tiktok_shop_shops_shop_id_idx ON tiktok_shop_shops (shop_id);

CREATE TABLE tiktok_shop_orders (
    user_id      TEXT      NOT NULL,
    shop_id      TEXT      NOT NULL,
    order_id     TEXT      NOT NULL,
    status       TEXT      NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    currency     TEXT      NOT NULL,
    total_amount TEXT      NOT NULL, -- canonical decimal string
    line_items   TEXT      NOT NULL, -- JSON array; one line item is one unit
    CONSTRAINT tiktok_shop_orders_pkey PRIMARY KEY (user_id, shop_id, order_id)
);
-- Keyset pages (newest created first) over all shops or one, and the 30-day figures window.
CREATE INDEX tiktok_shop_orders_created_idx ON tiktok_shop_orders (user_id, created_at, order_id);
CREATE INDEX tiktok_shop_orders_shop_created_idx
    ON tiktok_shop_orders (user_id, shop_id, created_at, order_id);

CREATE TABLE tiktok_shop_products (
    user_id    TEXT      NOT NULL,
    shop_id    TEXT      NOT NULL,
    product_id TEXT      NOT NULL,
    title      TEXT      NOT NULL,
    status     TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    skus       TEXT      NOT NULL, -- JSON array: id, seller_sku, currency, price (decimal string), stock
    CONSTRAINT tiktok_shop_products_pkey PRIMARY KEY (user_id, shop_id, product_id)
);
CREATE INDEX tiktok_shop_products_updated_idx
    ON tiktok_shop_products (user_id, updated_at, product_id);

-- The figures each sync computed, one row per shop and currency: a metrics read is one statement over
-- these rows (plus one over the shops), whatever the number of orders.
CREATE TABLE tiktok_shop_figures (
    user_id      TEXT      NOT NULL,
    shop_id      TEXT      NOT NULL,
    currency     TEXT      NOT NULL,
    computed_at  TIMESTAMP NOT NULL,
    orders_1d    BIGINT    NOT NULL,
    revenue_1d   TEXT      NOT NULL,
    units_1d     BIGINT    NOT NULL,
    orders_7d    BIGINT    NOT NULL,
    revenue_7d   TEXT      NOT NULL,
    units_7d     BIGINT    NOT NULL,
    orders_30d   BIGINT    NOT NULL,
    revenue_30d  TEXT      NOT NULL,
    units_30d    BIGINT    NOT NULL,
    by_status    TEXT      NOT NULL, -- JSON object: status -> orders of the last 30 days
    top_products TEXT      NOT NULL, -- JSON array: product_id, product_name, units
    CONSTRAINT tiktok_shop_figures_pkey PRIMARY KEY (user_id, shop_id, currency)
);

-- Webhook notifications already handled (tts_notification_id), kept a few days (TikTok retries 12 hours).
CREATE TABLE tiktok_shop_notifications (
    notification_id TEXT      NOT NULL PRIMARY KEY,
    received_at     TIMESTAMP NOT NULL
);
CREATE INDEX tiktok_shop_notifications_received_idx ON tiktok_shop_notifications (received_at);

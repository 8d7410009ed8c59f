//! The one hand-written schema shared by both backends. Only portable types: `Text`, `BigInt`, `Bool`
//! and `Timestamp` (UTC, as `NaiveDateTime`). `diesel print-schema` would print `Integer` ids on SQLite.

diesel::table! {
    tiktok_accounts (id) {
        id -> BigInt,
        user_id -> Text,
        tiktok_user_id -> Text,
        union_id -> Nullable<Text>,
        username -> Nullable<Text>,
        display_name -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        follower_count -> Nullable<BigInt>,
        following_count -> Nullable<BigInt>,
        like_count -> Nullable<BigInt>,
        video_count -> Nullable<BigInt>,
        access_token -> Nullable<Text>,
        refresh_token -> Nullable<Text>,
        access_token_expires_at -> Nullable<Timestamp>,
        refresh_token_expires_at -> Nullable<Timestamp>,
        scopes -> Text,
        status -> Text,
        is_active -> Bool,
        disconnect_reason -> Nullable<Text>,
        last_sync_at -> Nullable<Timestamp>,
        connected_at -> Timestamp,
        updated_at -> Timestamp,
        refresh_lease_until -> Nullable<Timestamp>,
        refresh_lease_owner -> Nullable<Text>,
        connection_generation -> Nullable<Text>,
        reauth_reason -> Nullable<Text>,
        last_sync_error_code -> Nullable<Text>,
        last_sync_error_message -> Nullable<Text>,
        last_sync_error_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_states (state_fingerprint) {
        state_fingerprint -> Text,
        user_id -> Text,
        redirect_uri -> Text,
        code_verifier -> Nullable<Text>,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tiktok_videos (user_id, video_id) {
        user_id -> Text,
        video_id -> Text,
        title -> Nullable<Text>,
        description -> Nullable<Text>,
        create_time -> Nullable<Timestamp>,
        duration -> Nullable<BigInt>,
        share_url -> Nullable<Text>,
        embed_link -> Nullable<Text>,
        view_count -> Nullable<BigInt>,
        like_count -> Nullable<BigInt>,
        comment_count -> Nullable<BigInt>,
        share_count -> Nullable<BigInt>,
        sort_created -> BigInt,
        sort_views -> BigInt,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tiktok_video_syncs (user_id) {
        user_id -> Text,
        videos_synced_at -> Nullable<Timestamp>,
        last_full_sync_at -> Nullable<Timestamp>,
        listing_cursor -> Nullable<BigInt>,
        listing_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tiktok_profile_snapshots (user_id, bucket_start) {
        user_id -> Text,
        bucket_start -> Timestamp,
        recorded_at -> Timestamp,
        follower_count -> Nullable<BigInt>,
        following_count -> Nullable<BigInt>,
        like_count -> Nullable<BigInt>,
        video_count -> Nullable<BigInt>,
    }
}

diesel::table! {
    tiktok_profile_rollups (user_id, span, span_start) {
        user_id -> Text,
        span -> Text,
        span_start -> Timestamp,
        recorded_at -> Timestamp,
        follower_count -> Nullable<BigInt>,
        following_count -> Nullable<BigInt>,
        like_count -> Nullable<BigInt>,
        video_count -> Nullable<BigInt>,
    }
}

diesel::table! {
    tiktok_video_snapshots (user_id, video_id, bucket_start) {
        user_id -> Text,
        video_id -> Text,
        bucket_start -> Timestamp,
        recorded_at -> Timestamp,
        view_count -> Nullable<BigInt>,
        like_count -> Nullable<BigInt>,
        comment_count -> Nullable<BigInt>,
        share_count -> Nullable<BigInt>,
    }
}

/// Names of the unique constraints, as the migrations create them.
pub(crate) mod constraints {
    /// The partial unique index: one active account per TikTok `open_id`.
    pub(crate) const ACTIVE_OPEN_ID: &str = "tiktok_accounts_active_tiktok_user_id_key";
    /// The partial unique index: one active Shop connection per seller `open_id`.
    pub(crate) const ACTIVE_SHOP_OPEN_ID: &str = "tiktok_shop_connections_active_open_id_key";
}

diesel::table! {
    /// The background columns of `tiktok_accounts`, as a table of their own so that the account rows
    /// (`AccountRow`) keep their column list.
    #[sql_name = "tiktok_accounts"]
    account_schedule (id) {
        id -> BigInt,
        user_id -> Text,
        status -> Text,
        access_token_expires_at -> Nullable<Timestamp>,
        sync_claimed_until -> Nullable<Timestamp>,
        sync_claimed_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// The sync lease columns of `tiktok_accounts` (one sync per account at a time, across replicas), as a
    /// table of their own so that the account rows (`AccountRow`) keep their column list.
    #[sql_name = "tiktok_accounts"]
    account_sync_leases (id) {
        id -> BigInt,
        user_id -> Text,
        is_active -> Bool,
        sync_lease_until -> Nullable<Timestamp>,
        sync_lease_owner -> Nullable<Text>,
    }
}

diesel::table! {
    /// One row per TikTok request let through by the shared request budget.
    tiktok_request_log (id) {
        id -> BigInt,
        endpoint -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    /// The analytics each creator's last sync computed, as JSON (see `analytics_models`).
    tiktok_analytics (user_id) {
        user_id -> Text,
        computed_at -> Timestamp,
        layout -> Integer,
        body -> Text,
    }
}

// The metrics read joins an account with its kept analytics.
diesel::allow_tables_to_appear_in_same_query!(tiktok_accounts, tiktok_analytics);

diesel::table! {
    /// One TikTok Shop seller connection per product user (migration `2026-12-04-000090_tiktok_shop`).
    tiktok_shop_connections (user_id) {
        user_id -> Text,
        open_id -> Text,
        seller_name -> Text,
        seller_base_region -> Text,
        granted_scopes -> Text,
        status -> Text,
        access_token -> Nullable<Text>,
        refresh_token -> Nullable<Text>,
        access_token_expires_at -> Nullable<Timestamp>,
        refresh_token_expires_at -> Nullable<Timestamp>,
        connection_generation -> Nullable<Text>,
        disconnect_reason -> Nullable<Text>,
        reauth_due_at -> Nullable<Timestamp>,
        connected_at -> Timestamp,
        last_sync_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        refresh_lease_owner -> Nullable<Text>,
        refresh_lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The shops of a seller connection, their sealed ciphers, sync cursors and figures' header.
    tiktok_shop_shops (user_id, shop_id) {
        user_id -> Text,
        shop_id -> Text,
        name -> Text,
        region -> Text,
        seller_type -> Text,
        code -> Text,
        cipher -> Nullable<Text>,
        authorized -> Bool,
        orders_synced_until -> Nullable<BigInt>,
        products_synced_until -> Nullable<BigInt>,
        active_products -> Nullable<BigInt>,
        figures_computed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Synced Shop orders (ids and money as text).
    tiktok_shop_orders (user_id, shop_id, order_id) {
        user_id -> Text,
        shop_id -> Text,
        order_id -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        currency -> Text,
        total_amount -> Text,
        line_items -> Text,
    }
}

diesel::table! {
    /// Synced Shop products, their SKUs as JSON.
    tiktok_shop_products (user_id, shop_id, product_id) {
        user_id -> Text,
        shop_id -> Text,
        product_id -> Text,
        title -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        skus -> Text,
    }
}

diesel::table! {
    /// The figures each Shop sync kept, one row per shop and currency.
    tiktok_shop_figures (user_id, shop_id, currency) {
        user_id -> Text,
        shop_id -> Text,
        currency -> Text,
        computed_at -> Timestamp,
        orders_1d -> BigInt,
        revenue_1d -> Text,
        units_1d -> BigInt,
        orders_7d -> BigInt,
        revenue_7d -> Text,
        units_7d -> BigInt,
        orders_30d -> BigInt,
        revenue_30d -> Text,
        units_30d -> BigInt,
        by_status -> Text,
        top_products -> Text,
    }
}

// A webhook finds the user of a shop through the connection; the figures read joins shops and figures.
diesel::allow_tables_to_appear_in_same_query!(
    tiktok_shop_connections,
    tiktok_shop_shops,
    tiktok_shop_figures
);

diesel::table! {
    /// TikTok Shop webhook notifications already handled (migration `2026-12-04-000090_tiktok_shop`).
    tiktok_shop_notifications (notification_id) {
        notification_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    events (seq) {
        seq -> BigInt,
        id -> Text,
        event_type -> Text,
        user_id -> Text,
        occurred_at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    event_endpoints (id) {
        id -> Text,
        event_types -> Text,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    event_deliveries (id) {
        id -> BigInt,
        event_seq -> BigInt,
        endpoint_id -> Text,
        user_id -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(event_deliveries -> events (event_seq));
diesel::joinable!(event_deliveries -> event_endpoints (endpoint_id));
diesel::allow_tables_to_appear_in_same_query!(events, event_deliveries, event_endpoints);

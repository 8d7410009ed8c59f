-- One row per product user. `INTEGER PRIMARY KEY` is the 64-bit rowid (declared BigInt in schema.rs).
-- Tokens are sealed ciphertexts; instants are UTC text "YYYY-MM-DD HH:MM:SS.ffffff".
CREATE TABLE tiktok_accounts (
    id                       INTEGER   PRIMARY KEY,
    user_id                  TEXT      NOT NULL,
    tiktok_user_id           TEXT      NOT NULL,
    union_id                 TEXT      NULL,
    username                 TEXT      NULL,
    display_name             TEXT      NULL,
    avatar_url               TEXT      NULL,
    follower_count           BIGINT    NULL,
    following_count          BIGINT    NULL,
    like_count               BIGINT    NULL,
    video_count              BIGINT    NULL,
    access_token             TEXT      NULL,
    refresh_token            TEXT      NULL,
    access_token_expires_at  TIMESTAMP NULL,
    refresh_token_expires_at TIMESTAMP NULL,
    scopes                   TEXT      NOT NULL,
    status                   TEXT      NOT NULL,
    is_active                BOOLEAN   NOT NULL CHECK (is_active IN (0, 1)),
    disconnect_reason        TEXT      NULL,
    last_sync_at             TIMESTAMP NULL,
    connected_at             TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    CONSTRAINT tiktok_accounts_user_id_key UNIQUE (user_id),
    CONSTRAINT tiktok_accounts_grant_all_or_nothing CHECK (
        (access_token IS NULL AND refresh_token IS NULL
            AND access_token_expires_at IS NULL AND refresh_token_expires_at IS NULL)
        OR (access_token IS NOT NULL AND refresh_token IS NOT NULL
            AND access_token_expires_at IS NOT NULL AND refresh_token_expires_at IS NOT NULL)
    ),
    CONSTRAINT tiktok_accounts_status_known CHECK (
        status IN ('connected', 'reauth_required', 'not_connected')
    ),
    CONSTRAINT tiktok_accounts_active_matches_status CHECK (
        is_active = (status <> 'not_connected')
    )
);

-- One active account per TikTok open_id; a disconnected one may be connected again by anyone.
CREATE UNIQUE INDEX tiktok_accounts_active_tiktok_user_id_key
    ON tiktok_accounts (tiktok_user_id) WHERE is_active;
CREATE INDEX tiktok_accounts_tiktok_user_id_idx ON tiktok_accounts (tiktok_user_id);

-- Pending OAuth authorizations. Only the SHA-256 of the state is kept; the verifier is sealed.
CREATE TABLE oauth_states (
    state_fingerprint TEXT      NOT NULL PRIMARY KEY,
    user_id           TEXT      NOT NULL,
    redirect_uri      TEXT      NOT NULL,
    code_verifier     TEXT      NULL,
    expires_at        TIMESTAMP NOT NULL,
    created_at        TIMESTAMP NOT NULL
);

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);

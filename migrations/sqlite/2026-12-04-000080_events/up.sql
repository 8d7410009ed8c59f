-- Events for internal services (issue #12): a transactional outbox. An event row is inserted in the same
-- transaction as the change it reports; its deliveries (one per enabled endpoint subscribed to its type)
-- too. Instants are UTC (TIMESTAMP without zone).

-- seq: the feed's keyset cursor, never reused (also after a retention purge).
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT      NOT NULL UNIQUE,
    event_type  TEXT      NOT NULL,
    user_id     TEXT      NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    body        TEXT      NOT NULL
);
CREATE INDEX events_type_seq_idx ON events (event_type, seq);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);

-- The receivers the operator configured (id derived from the configuration; URL and secret stay in the
-- configuration). event_types: '*' or the subscribed names, each surrounded by spaces.
CREATE TABLE event_endpoints (
    id          TEXT      PRIMARY KEY,
    event_types TEXT      NOT NULL,
    disabled_at TIMESTAMP NULL
);

-- One delivery of one event to one endpoint. state: pending | delivered | failed. A replica holds a
-- pending delivery while lease_until is in the future.
CREATE TABLE event_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq       BIGINT    NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    endpoint_id     TEXT      NOT NULL REFERENCES event_endpoints (id) ON DELETE CASCADE,
    user_id         TEXT      NOT NULL,
    state           TEXT      NOT NULL,
    attempts        INTEGER   NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner     TEXT      NULL,
    lease_until     TIMESTAMP NULL,
    created_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP NULL,
    last_error      TEXT      NULL,
    UNIQUE (event_seq, endpoint_id)
);
CREATE INDEX event_deliveries_due_idx ON event_deliveries (state, next_attempt_at);
CREATE INDEX event_deliveries_queue_idx ON event_deliveries (endpoint_id, user_id, state, event_seq);

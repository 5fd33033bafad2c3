-- The store's event log (SQLite dialect). Times are Unix milliseconds set by
-- the store, so both dialects read them back as the same integer.
CREATE TABLE tables (
    id         TEXT    PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,
    meta       TEXT    NOT NULL
);

-- The primary key is the one-writer-per-table guard: a second writer of the
-- same (table_id, seq) fails with a unique violation.
CREATE TABLE events (
    table_id   TEXT    NOT NULL REFERENCES tables (id),
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (table_id, seq)
);

CREATE TABLE snapshots (
    table_id   TEXT    NOT NULL REFERENCES tables (id),
    seq        INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (table_id, seq)
);

-- The answer to each request, written in the transaction of its events, so a
-- retried request gets the same reply instead of acting twice.
CREATE TABLE requests (
    table_id   TEXT    NOT NULL REFERENCES tables (id),
    request_id TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    reply      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (table_id, request_id)
);

CREATE TABLE sheet_history (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    table_id  TEXT    NOT NULL REFERENCES tables (id),
    character TEXT    NOT NULL,
    who       TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    reason    TEXT    NOT NULL,
    before    TEXT    NOT NULL,
    after     TEXT    NOT NULL
);

CREATE INDEX sheet_history_by_character ON sheet_history (table_id, character, id);

-- The web table: one-time sign-in codes (written by `dungeon web link`
-- in one process, redeemed on the web page served by another) and the
-- web's own settings (the generated secret that signs session cookies).
CREATE TABLE web_codes (
    code       TEXT    PRIMARY KEY NOT NULL,
    player     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE web_settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Meshtastic nodes bound to their public key on first contact ("!a1b2c3d4",
-- the key as hex): a node whose key changes is refused until the DM
-- re-binds it (deletes the row).
CREATE TABLE radio_bindings (
    node       TEXT    PRIMARY KEY NOT NULL,
    public_key TEXT    NOT NULL,
    bound_at   INTEGER NOT NULL
);

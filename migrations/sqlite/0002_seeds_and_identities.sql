-- Each table's secret dice seed (hex), kept until the DM reveals it; players
-- see only its commitment, in the table's first event.
ALTER TABLE tables ADD COLUMN secret TEXT;

-- Transport identities ("discord:123", "radio:!a1b2c3d4") linked to one
-- player, so a person plays the same character from any transport.
CREATE TABLE identities (
    identity  TEXT    PRIMARY KEY NOT NULL,
    player    TEXT    NOT NULL,
    linked_at INTEGER NOT NULL
);

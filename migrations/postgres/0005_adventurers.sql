-- Who is in a running adventure, and at which table: a character (its
-- player's id and its name in lowercase) can be in one running adventure
-- at a time. The router claims a row when a character joins a party and
-- deletes it when the character leaves or the adventure ends.
CREATE TABLE adventurers (
    player    TEXT NOT NULL,
    character TEXT NOT NULL,
    table_id  TEXT NOT NULL,
    PRIMARY KEY (player, character)
);
CREATE INDEX adventurers_by_table ON adventurers (table_id);

-- Every update fetched from Telegram, written before its offset is acknowledged, so a crash loses
-- nothing: what is still 'new' at start-up is handled then, in order per sender.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,            -- Telegram's, increasing
    sender_key  INTEGER NOT NULL,               -- the user's Telegram id, else the chat's (0: neither)
    data        TEXT NOT NULL,                  -- the update as Telegram sent it (JSON)
    received_at INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'handled', 'failed')),
    handled_at  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,     -- start-ups that found it unhandled
    last_error  TEXT
);
-- Start-up reads the unhandled; the prune deletes old handled ones.
CREATE INDEX inbox_by_status ON inbox (status, update_id);

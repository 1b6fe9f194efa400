-- Check-in: when its window opens (minutes before the start; it closes at the end), walk-ins, and a log
-- row for every check-in, check-out and correction: who, how, by whom, where.
ALTER TABLE shift ADD COLUMN checkin_opens_minutes INTEGER NOT NULL DEFAULT 30
    CHECK (checkin_opens_minutes BETWEEN 0 AND 1440);
ALTER TABLE signup ADD COLUMN walk_in INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1));

CREATE TABLE checkin_event (
    id          INTEGER PRIMARY KEY,
    signup_id   INTEGER NOT NULL REFERENCES signup (id) ON DELETE CASCADE,
    event       TEXT NOT NULL CHECK (event IN ('in', 'out', 'correct')),
    at          INTEGER NOT NULL,                   -- the time the event is about
    method      TEXT NOT NULL CHECK (method IN ('button', 'qr', 'location', 'coordinator', 'auto')),
    by_person   INTEGER REFERENCES person (id) ON DELETE SET NULL,  -- who did it, when not the volunteer
    latitude    REAL,
    longitude   REAL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX checkin_event_by_signup ON checkin_event (signup_id, id);
CREATE INDEX checkin_open ON checkin (checked_out_at) WHERE checked_out_at IS NULL;

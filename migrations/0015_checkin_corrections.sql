-- A coordinator's correction of a check-in or check-out time: which, the time and the hours before and
-- after, who made it and when. The check-in row holds the corrected values; these rows are the history.
CREATE TABLE checkin_correction (
    id          INTEGER PRIMARY KEY,
    signup_id   INTEGER NOT NULL REFERENCES signup (id) ON DELETE CASCADE,
    field       TEXT NOT NULL CHECK (field IN ('in', 'out')),
    old_at      INTEGER,                            -- NULL: there was none (not checked in, or not out)
    new_at      INTEGER NOT NULL,
    old_hours   REAL,
    new_hours   REAL,
    by_person   INTEGER REFERENCES person (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX checkin_correction_by_signup ON checkin_correction (signup_id, id);
-- The log's row for a correction points at it, so the check-in log shows what was changed.
ALTER TABLE checkin_event ADD COLUMN correction_id INTEGER REFERENCES checkin_correction (id) ON DELETE SET NULL;

-- Shift leads: a volunteer on a shift's roster whom a coordinator named to run that one shift's door
-- (its roster, check-ins, QR code). Rows are kept when a lead is removed, so each naming has its own id
-- (the outbox key of its notice) and the history stays.
CREATE TABLE shift_lead (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    shift_id     INTEGER NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    show_phones  INTEGER NOT NULL DEFAULT 0 CHECK (show_phones IN (0, 1)),
    named_by     INTEGER REFERENCES person (id) ON DELETE SET NULL,
    named_at     INTEGER NOT NULL,
    removed_by   INTEGER REFERENCES person (id) ON DELETE SET NULL,
    removed_at   INTEGER
);
CREATE UNIQUE INDEX shift_lead_active ON shift_lead (shift_id, person_id) WHERE removed_at IS NULL;
CREATE INDEX shift_lead_by_person ON shift_lead (person_id) WHERE removed_at IS NULL;

-- A translation of a shift's title and description that a volunteer offers: kept apart from shift_text,
-- so nobody reads it until one of the organization's coordinators approves it (then it is copied there).
CREATE TABLE translation_offer (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,  -- NULL: not offered (the shift has none, or the volunteer skipped it)
    -- replaced: the volunteer offered a newer text since (a coordinator never approves a text unseen)
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'replaced')),
    created_at  INTEGER NOT NULL,
    decided_by  INTEGER REFERENCES person (id) ON DELETE SET NULL,
    decided_at  INTEGER
);
-- One waiting offer per volunteer, shift and language.
CREATE UNIQUE INDEX translation_offer_pending ON translation_offer (shift_id, person_id, locale)
    WHERE status = 'pending';

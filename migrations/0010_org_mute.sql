-- Organizations a person asked to stop hearing from: their broadcasts skip them, whether they follow
-- the organization or only signed up for one of its shifts.
CREATE TABLE org_mute (
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (person_id, org_id)
) WITHOUT ROWID;

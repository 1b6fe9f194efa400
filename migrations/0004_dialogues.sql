-- The one dialogue a person has open (a /newshift draft, a settings editor, a /manage question…), so a
-- typed answer after a restart continues it and can never reach a second dialogue. At most one per person.
CREATE TABLE dialogue (
    person_id   INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                      -- which flow reads the answers (handlers register them)
    step        TEXT NOT NULL,                      -- where in that flow
    data        TEXT NOT NULL DEFAULT '{}',         -- JSON: what the person has said so far
    pending     TEXT,                               -- JSON: a dialogue they asked to start, waiting for "leave?"
    opened_at   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Organizers' own texts of a shift in other languages: the shift row keeps the original (the fallback);
-- each row here is one field in one reader locale (a catalog code such as ko or zh_Hant).
CREATE TABLE shift_text (
    shift_id    INTEGER NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
    field       TEXT NOT NULL CHECK (field IN ('title', 'description', 'place_name')),
    locale      TEXT NOT NULL,
    text        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (shift_id, field, locale)
) WITHOUT ROWID;

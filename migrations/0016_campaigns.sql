-- Campaigns: an organization's push (a GOTV month, a census drive) that shifts belong to, with goals per
-- outcome. Progress is never stored: /stats adds up its shifts' reports and checked-out hours.
CREATE TABLE campaign (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    name_key    TEXT NOT NULL,                      -- the name casefolded (SQLite's NOCASE folds only ASCII)
    starts_on   TEXT CHECK (starts_on IS NULL OR date(starts_on) = starts_on),  -- ISO dates, org's calendar
    ends_on     TEXT CHECK (ends_on IS NULL OR date(ends_on) = ends_on),
    created_by  INTEGER REFERENCES person (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
);
-- One name per organization, whatever the case ('Tết drive', 'TẾT DRIVE'): the CSV's `campaign` column finds
-- it by name.
CREATE UNIQUE INDEX campaign_name_by_org ON campaign (org_id, name_key);

CREATE TABLE campaign_goal (
    campaign_id INTEGER NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    metric      TEXT NOT NULL CHECK (metric IN ('doors', 'conversations', 'calls', 'texts', 'hours')),
    target      INTEGER NOT NULL CHECK (target BETWEEN 1 AND 10000000),
    PRIMARY KEY (campaign_id, metric)
) WITHOUT ROWID;

-- 0001's free-text `campaign` column was never written; shifts point to a campaign row instead.
ALTER TABLE shift ADD COLUMN campaign_id INTEGER REFERENCES campaign (id) ON DELETE SET NULL;
CREATE INDEX shift_by_campaign ON shift (campaign_id) WHERE campaign_id IS NOT NULL;

-- What coordinator features need beyond the initial schema.

-- A message to an organization's followers. Its deliveries are outbox rows keyed
-- 'broadcast:<id>:<person id>'; `status` turns 'done' once none of them is pending.
CREATE TABLE broadcast (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    sender_id   INTEGER REFERENCES person (id) ON DELETE SET NULL,
    text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    filters     TEXT NOT NULL DEFAULT '{}',         -- JSON: {"languages": [...], "region": "CA" | null}
    recipients  INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done')),
    created_at  INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX broadcast_by_org ON broadcast (org_id, status);

-- Turnout's whole domain (see DESIGN.md). Times are Unix seconds, UTC; a shift keeps its own IANA zone.
-- Every status column has a CHECK so a typo in code cannot store a state the rules don't know.

CREATE TABLE person (
    id                  INTEGER PRIMARY KEY,
    telegram_id         INTEGER NOT NULL UNIQUE,
    first_name          TEXT,
    last_name           TEXT,
    username            TEXT,
    display_name        TEXT,                       -- the name they asked to be called
    telegram_language   TEXT,                       -- language_code Telegram last reported
    locale              TEXT,                       -- UI locale they chose (NULL: follow Telegram)
    timezone            TEXT,                       -- IANA zone (NULL: the network default)
    phone               TEXT,                       -- E.164, only their own contact
    state               TEXT,                       -- US state code, or 'INTL'
    zip                 TEXT,
    city                TEXT,
    consent_at          INTEGER,                    -- when they agreed to be messaged
    onboarding_step     TEXT,                       -- where a half-done /start resumes (NULL: done)
    remind_24h          INTEGER NOT NULL DEFAULT 1 CHECK (remind_24h IN (0, 1)),
    remind_2h           INTEGER NOT NULL DEFAULT 1 CHECK (remind_2h IN (0, 1)),
    messages_enabled    INTEGER NOT NULL DEFAULT 1 CHECK (messages_enabled IN (0, 1)),
    status              TEXT NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'unreachable', 'deleted')),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- Languages a volunteer can do outreach in (not the UI locale): ISO 639 codes such as 'ko', 'yue'.
CREATE TABLE person_language (
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    PRIMARY KEY (person_id, language)
) WITHOUT ROWID;
CREATE INDEX person_language_by_language ON person_language (language, person_id);

CREATE TABLE person_interest (
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('canvass', 'phone_bank', 'text_bank', 'event', 'training', 'other')),
    PRIMARY KEY (person_id, kind)
) WITHOUT ROWID;

CREATE TABLE org (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND length(slug) BETWEEN 2 AND 32),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    state       TEXT,
    timezone    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at  INTEGER NOT NULL
);

CREATE TABLE follow (
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (person_id, org_id)
) WITHOUT ROWID;
CREATE INDEX follow_by_org ON follow (org_id, person_id);

CREATE TABLE role (
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('coordinator', 'org_admin')),
    granted_by  INTEGER REFERENCES person (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (person_id, org_id)
) WITHOUT ROWID;
CREATE INDEX role_by_org ON role (org_id);

CREATE TABLE invite (
    id          INTEGER PRIMARY KEY,
    code_hash   TEXT NOT NULL UNIQUE,               -- sha256 of the code; the code itself is never stored
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('coordinator', 'org_admin')),
    created_by  INTEGER REFERENCES person (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uses    INTEGER NOT NULL DEFAULT 1 CHECK (max_uses >= 1),
    uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    revoked_at  INTEGER
);
CREATE INDEX invite_by_org ON invite (org_id);

CREATE TABLE series (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,                      -- e.g. 'weekly'
    created_by  INTEGER REFERENCES person (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE shift (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    series_id       INTEGER REFERENCES series (id) ON DELETE SET NULL,
    campaign        TEXT,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind            TEXT NOT NULL CHECK (kind IN ('canvass', 'phone_bank', 'text_bank', 'event', 'training', 'other')),
    description     TEXT NOT NULL DEFAULT '',
    place_name      TEXT,
    address         TEXT,
    latitude        REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude       REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    online_url      TEXT,
    region          TEXT,                           -- US state code of the place; NULL when online
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    timezone        TEXT NOT NULL,
    capacity        INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
    signup_deadline INTEGER,
    checkin_token   TEXT UNIQUE,
    status          TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled', 'done')),
    cancel_reason   TEXT,
    created_by      INTEGER REFERENCES person (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (signup_deadline IS NULL OR signup_deadline <= starts_at)
);
CREATE INDEX shift_by_org_start ON shift (org_id, starts_at);
CREATE INDEX shift_by_status_start ON shift (status, starts_at);

CREATE TABLE shift_language (
    shift_id    INTEGER NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    PRIMARY KEY (shift_id, language)
) WITHOUT ROWID;
CREATE INDEX shift_language_by_language ON shift_language (language, shift_id);

CREATE TABLE signup (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled', 'attended', 'no_show')),
    position    INTEGER,                            -- waitlist order (joined order); NULL unless waitlisted
    joined_at   INTEGER NOT NULL,
    acknowledged_at INTEGER,                        -- "I'll be there" from a reminder
    marked_by   INTEGER REFERENCES person (id) ON DELETE SET NULL,  -- coordinator who set attendance
    updated_at  INTEGER NOT NULL,
    UNIQUE (shift_id, person_id)
);
CREATE INDEX signup_by_shift ON signup (shift_id, status, position);
CREATE INDEX signup_by_person ON signup (person_id, status);

CREATE TABLE checkin (
    id              INTEGER PRIMARY KEY,
    signup_id       INTEGER NOT NULL UNIQUE REFERENCES signup (id) ON DELETE CASCADE,
    checked_in_at   INTEGER NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('button', 'qr', 'location', 'coordinator')),
    latitude        REAL,
    longitude       REAL,
    checked_out_at  INTEGER,
    hours           REAL CHECK (hours IS NULL OR hours >= 0),
    CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at)
);

CREATE TABLE report (
    id              INTEGER PRIMARY KEY,
    signup_id       INTEGER NOT NULL UNIQUE REFERENCES signup (id) ON DELETE CASCADE,
    doors           INTEGER CHECK (doors IS NULL OR doors >= 0),
    conversations   INTEGER CHECK (conversations IS NULL OR conversations >= 0),
    calls           INTEGER CHECK (calls IS NULL OR calls >= 0),
    texts           INTEGER CHECK (texts IS NULL OR texts >= 0),
    notes           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Every message owed later. dedupe_key makes queueing idempotent; the text is rendered at send time.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    shift_id    INTEGER REFERENCES shift (id) ON DELETE CASCADE,
    payload     TEXT NOT NULL DEFAULT '{}',         -- JSON the renderer needs beyond the shift
    due_at      INTEGER NOT NULL,
    dedupe_key  TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_by_person ON outbox (person_id, status);
CREATE INDEX outbox_by_shift ON outbox (shift_id, status);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES person (id) ON DELETE SET NULL,
    org_id      INTEGER REFERENCES org (id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    subject     TEXT,
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_org ON audit_log (org_id, at);

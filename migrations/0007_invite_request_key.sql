-- One invite per request: a second press of the same button (a double tap, or a press handled again
-- after a crash) finds the invite the first press made instead of making another.
ALTER TABLE invite ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX invite_by_request ON invite (request_key) WHERE request_key IS NOT NULL;

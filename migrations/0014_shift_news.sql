-- What coordinators are told between digests: a volunteer cancelling within 24 hours of a shift, or one
-- moved up from its waitlist. A row waits here (batched_at NULL) until the news job puts everything
-- pending for its shift into one message per coordinator, at most one an hour per shift. The person is
-- named at send time from their row, so an erased volunteer's name was never copied here.
CREATE TABLE shift_news (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
    person_id   INTEGER REFERENCES person (id) ON DELETE SET NULL,
    event       TEXT NOT NULL CHECK (event IN ('late_cancel', 'promoted')),
    at          INTEGER NOT NULL,
    batched_at  INTEGER
);
CREATE INDEX shift_news_pending ON shift_news (shift_id) WHERE batched_at IS NULL;
CREATE INDEX shift_news_batches ON shift_news (shift_id, batched_at);

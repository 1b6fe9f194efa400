-- The message whose buttons answer the question a person is at now, for a flow whose state lives
-- elsewhere (onboarding's step is on the person row): when the next question is asked, typed or
-- pressed, the answered one loses its buttons, so they can't be pressed any more.
CREATE TABLE live_question (
    person_id   INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL
);

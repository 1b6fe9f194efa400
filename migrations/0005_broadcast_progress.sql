-- Where a broadcast's progress shows (the coordinator's message, edited in place) and the text it
-- last showed. The dispatcher of whichever process runs, also after a restart, edits it as
-- deliveries are recorded, never with the text it already shows, and ends it with the tally.
-- progress_message_id goes NULL when Telegram refuses the edit: the tally then comes as a new message.
ALTER TABLE broadcast ADD COLUMN progress_chat_id INTEGER;
ALTER TABLE broadcast ADD COLUMN progress_message_id INTEGER;
ALTER TABLE broadcast ADD COLUMN progress_text TEXT;
CREATE INDEX broadcast_sending ON broadcast (id) WHERE status = 'sending';

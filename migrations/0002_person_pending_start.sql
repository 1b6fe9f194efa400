-- A deep link (`shift-42`, `org-kaya`) that arrived before onboarding finished, acted on once it does.
ALTER TABLE person ADD COLUMN pending_start TEXT;

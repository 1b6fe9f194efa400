-- A broadcast written once per language: {reader locale: text}; everyone else reads `text`, the original.
ALTER TABLE broadcast ADD COLUMN texts TEXT NOT NULL DEFAULT '{}';

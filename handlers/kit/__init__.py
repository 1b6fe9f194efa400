"""The feature-free kit every handler module builds on: the typed context (context.py), the checks before
acting (guards.py), callback data (callbacks.py), keyboards and pickers (keyboards.py, pickers.py),
replying and editing (replies.py), dialogues (dialogues.py). Nothing here knows a feature."""

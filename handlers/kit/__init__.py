"""The feature-free kit every handler module builds on: callback data, dialogues."""

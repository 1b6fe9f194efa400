"""Domain rules. Services take plain values and a Database; they never import telegram."""

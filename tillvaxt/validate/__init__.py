"""Typing and checking the raw text frames: every row is either validated or quarantined."""

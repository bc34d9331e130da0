"""Data: reading the data folder, harmonising site submissions, selecting a chapter's scope."""

"""Ingest: a tracker's raw cells become typed rows and records, with the reading issues."""

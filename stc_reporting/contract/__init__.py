"""The tracker contract as data: tabs, columns, choices, rule ids, and the GX suites."""

TRACKER_FORMAT_VERSION = "1.1"
"""The version of docs/tracker-format.md this code reads (named in `audit.xlsx`)."""

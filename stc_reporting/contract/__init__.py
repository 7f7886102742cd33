"""The tracker contract as data: tabs, columns, choices, rule ids, and the GX suites."""

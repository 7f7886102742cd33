"""Checks: data-quality rules (Great Expectations suites), outliers, follow-up across months."""

"""Rule ids the reader emits (the suites' ids live in `expectations/*.json` meta).

Every id here and in the suites is explained, with its fix, in
docs/data-quality-rules.md; a test fails when one is not.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """Problems found while reading, before the Great Expectations suites run."""

    UNREADABLE_TRACKER = "unreadable-tracker"
    MISSING_TAB = "missing-tab"
    MISSING_COLUMN = "missing-column"
    OPTIONAL_TAB_MISSING = "optional-tab-missing"
    DUPLICATE_TAB = "duplicate-tab"
    EXTRA_COLUMN = "extra-column"
    DUPLICATE_COLUMN = "duplicate-column"
    UNNAMED_COLUMN = "unnamed-column"
    HEADER_BELOW_TITLE = "header-below-title"
    PERSONAL_DATA_COLUMN = "personal-data-column"
    PERSONAL_DATA_TEXT = "personal-data-text"
    BAD_DATE = "bad-date"
    BAD_MONTH = "bad-month"
    BAD_WHOLE_NUMBER = "bad-whole-number"
    BAD_NUMBER = "bad-number"
    BAD_MONEY = "bad-money"
    BAD_YES_NO = "bad-yes-no"
    SPREADSHEET_ERROR = "spreadsheet-error"
    OUTLIER = "outlier"

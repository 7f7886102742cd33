"""The sample run's audit.xlsx: every figure reconciles with rollups.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.config import load_config
from stc_reporting.figures.build import RunSelection, build_traced_rollups
from stc_reporting.figures.document import rollups_json
from stc_reporting.outputs.audit import audit_workbook
from stc_reporting.pipeline import check_trackers, fetch_tracker
from tests.audit_reading import read_audit, reconcile

pytestmark = pytest.mark.contract

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "program.yaml"


def test_the_sample_runs_audit_workbook_reconciles_with_rollups_json() -> None:
    """Five sample trackers: each figure, recomputed from the workbook's rows, is the file's."""
    config = load_config(SAMPLE_CONFIG)
    trackers = [fetch_tracker(c) for c in config.collaboratives]
    issues = check_trackers(config, trackers, date(2021, 11, 20))
    selection = RunSelection(tuple(config.collaboratives), date(2021, 10, 31))
    traced = build_traced_rollups(config, selection, trackers, issues)
    content = audit_workbook(traced, [c.id for c in config.collaboratives])
    assert reconcile(content, json.loads(rollups_json(traced.rollups))) == []
    audit = read_audit(content)
    assert len(audit.figures) > 1000 and len(audit.rows) > 1000 and audit.excluded
    excluded_in_error = {
        (r["Collaborative"], r["Tab"], r["Sheet row"])
        for r in audit.excluded
        if r["Period"] == "(every period)"
    }
    assert excluded_in_error == {(i.collaborative, i.tab, i.row) for i in issues if i.excludes_row}

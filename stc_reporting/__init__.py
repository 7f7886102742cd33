"""stc_reporting: the Safety Through Connection reporting pipeline, with no orchestrator.

The subpackages are the pipeline's stages, in the order data flows (an
import-linter `layers` contract in pyproject.toml keeps each from reaching up):

- `contract`: the tracker format as data (tabs, columns, choices, rule ids, GX suites).
- `sources`: where a tracker's raw cells come from (.xlsx, Google Sheets, snapshots).
- `ingest`: raw cells to typed records, with reading issues.
- `checks`: data-quality rules (Great Expectations), outliers, follow-up across months.
- `figures`: reporting periods, every figure, and the typed `rollups.json` document.
- `reports`: what funders and program managers read: suppression, context, charts, Word.
- `outputs`: the one writer of a run's files and manifest, the run summary, publishing.
- `pipeline`: the one read → check → roll up → render → write path.
"""

"""Measure the personal-data scan: formats caught, false alarms, and time on hostile cells.

Usage: python benchmarks/privacy_scan.py [--repeat 5]

(a) The corpus (tests/privacy_corpus.py): every personal-data format, English and
Spanish, must be caught as its kind; every ordinary program text flagged is a false alarm.

(b) The sample trackers (data/sample/*.xlsx): every text cell, the planted personal data
and the personal-data column aside (tools/generate_samples.py plants them on purpose);
every cell flagged is a false alarm.

(c) Time: `find_personal_data` and `redact` on full 32,767-character cells built to make
a backtracking pattern slow (`HOSTILE_CELLS` of tests/privacy_corpus.py),
the fastest of `--repeat` runs each, in milliseconds. The scan before issue 12 took 16 s
on a cell of one long word and 27 s on one long number.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stc_reporting.privacy import find_personal_data, redact  # noqa: E402
from tests.privacy_corpus import HOSTILE_CELLS, ORDINARY, PERSONAL  # noqa: E402

PLANTED_IN_SAMPLES = ("jo.smith@example.org", "(559) 555-0142")
"""The personal data tools/generate_samples.py plants in the samples' free text."""
PERSONAL_DATA_HEADERS = frozenset({"phone"})


def corpus() -> None:
    """Print formats caught and false alarms on the corpus."""
    missed = [(text, kind) for text, kind in PERSONAL if find_personal_data(text) is not kind]
    flagged = [text for text in ORDINARY if find_personal_data(text) is not None]
    print(f"(a) corpus: caught {len(PERSONAL) - len(missed)}/{len(PERSONAL)} formats")
    for text, kind in missed:
        print(f"    missed ({kind.value}): {text!r}")
    print(f"    false alarms {len(flagged)}/{len(ORDINARY)} ordinary texts")
    for text in flagged:
        print(f"    flagged: {text!r} -> {redact(text)!r}")


def sample_cells() -> Iterator[str]:
    """Every text cell of the samples, headers, planted data and personal-data columns aside."""
    for path in sorted((REPO / "data" / "sample").glob("*.xlsx")):
        workbook = load_workbook(path, read_only=True)
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(cell).strip().lower() for cell in next(rows, ())]
            for row in rows:
                for name, cell in zip(header, row, strict=False):
                    if _is_ordinary_text(name, cell):
                        yield cell


def _is_ordinary_text(header: str, cell: object) -> bool:
    return (
        isinstance(cell, str)
        and header not in PERSONAL_DATA_HEADERS
        and not any(planted in cell for planted in PLANTED_IN_SAMPLES)
    )


def samples() -> None:
    """Print false alarms on the sample trackers' text cells."""
    cells = list(sample_cells())
    flagged = [cell for cell in cells if find_personal_data(cell) is not None]
    distinct = len(set(cells))
    print(f"(b) samples: false alarms {len(flagged)}/{len(cells)} text cells ({distinct} distinct)")
    for cell in sorted(set(flagged)):
        print(f"    flagged: {cell!r}")


def fastest_ms(scan: Callable[[str], object], text: str, repeat: int) -> float:
    """The fastest of `repeat` runs of the scan on the text, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        scan(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def timing(repeat: int) -> None:
    """Print the scan's time on each hostile cell, and the worst."""
    print(f"(c) time on 32,767-character cells (fastest of {repeat}):")
    worst = ("", 0.0)
    for name, text in HOSTILE_CELLS.items():
        found = fastest_ms(find_personal_data, text, repeat)
        masked = fastest_ms(redact, text, repeat)
        print(f"    {name:<24} find {found:7.1f} ms   redact {masked:7.1f} ms")
        worst = max(worst, (name, max(found, masked)), key=lambda pair: pair[1])
    print(f"    worst: {worst[0]}, {worst[1]:.1f} ms")


def main() -> None:
    """Run the three measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    corpus()
    samples()
    timing(arguments.repeat)


if __name__ == "__main__":
    main()

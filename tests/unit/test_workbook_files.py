"""A file given as a tracker workbook is judged by what it is, not by its name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stc_reporting.ingest.reading import read_tracker
from stc_reporting.sources import TrackerUnreadableError
from stc_reporting.sources import workbook_file as says
from stc_reporting.sources.workbook_file import workbook_file_problem
from stc_reporting.sources.xlsx import XlsxSource
from tests.builders import activity, minimal_tabs, partner, write_workbook

pytestmark = pytest.mark.unit


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A small valid tracker."""
    return write_workbook(tmp_path / "tracker.xlsx", minimal_tabs([activity()], [partner()]))


@pytest.mark.parametrize("name", ["tracker.xls", "tracker.xlsm", "tracker", "tracker.XLSX"])
def test_a_real_workbook_is_read_whatever_its_name(workbook: Path, name: str) -> None:
    """The spreadsheet library refuses unknown extensions; here the content decides."""
    renamed = workbook.with_name(name)
    shutil.copyfile(workbook, renamed)
    tracker = read_tracker(XlsxSource(renamed), "x")
    assert tracker.failure is None
    assert [row["activity_id"] for row in tracker.tabs["Activities"].rows] == ["A1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Activity ID;Date\n".encode("utf-16"), says.TEXT),
        (b"\xef\xbb\xbfActivity ID,Date\r\n", says.TEXT),
        (b"\x00\x01\x02\x03 binary", says.UNKNOWN),
        (b"PK\x03\x04 cut short", says.DAMAGED),
    ],
)
def test_a_file_that_is_no_workbook_is_named_for_what_it_is(
    tmp_path: Path, content: bytes, message: str
) -> None:
    """UTF-16 and BOM text are text; unknown bytes are said to be no workbook."""
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(content)
    assert workbook_file_problem(path) == message.format(name="tracker.xlsx")


def test_a_missing_workbook_names_its_whole_path(tmp_path: Path) -> None:
    """The operator finds a mistyped `workbook:` by the path."""
    with pytest.raises(TrackerUnreadableError, match=r"tracker file .*nope\.xlsx does not exist"):
        XlsxSource(tmp_path / "nope.xlsx").read()


def test_no_message_repeats_the_spreadsheet_librarys_words() -> None:
    """Each message starts with the file's name and says what to do in plain words."""
    messages = [
        value
        for name, value in vars(says).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    ]
    for message in messages:
        assert "xlrd" not in message and "zip file" not in message
        if "{name}" in message:
            assert message.startswith("{name} ")


def test_the_corpus_old_excel_file_is_a_valid_compound_file(tmp_path: Path) -> None:
    """The `.xls` the corpus builds is a real OLE2 file with a Workbook stream, not just magic."""
    import olefile

    from tests.bad_input_corpus import ole_file

    path = tmp_path / "old.xls"
    path.write_bytes(ole_file({"Workbook": b"\x09\x08"}))
    assert olefile.isOleFile(str(path))
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.listdir() == [["Workbook"]]
    assert workbook_file_problem(path) == says.OLD_EXCEL.format(name="old.xls")

"""What a file given as a tracker workbook really is, and what to say when it is no `.xlsx`.

A tracker reaches the pipeline as whatever a person saved or downloaded: an OpenDocument
or old Excel file, a CSV, a password-protected workbook, a download cut short, a folder.
The file's first bytes say what it is (its name may not), so each gets a sentence that
names it and says how to make it an `.xlsx`, instead of the spreadsheet library's own
words ("File is not a zip file", "use xlrd"). Every message here starts with the file's
name and is printed after "the tracker could not be read:".
"""

from __future__ import annotations

import errno
import zipfile
from pathlib import Path

SAVE_AS_XLSX = (
    "open it and save it as Excel (.xlsx): File → Save as → Excel Workbook (.xlsx) "
    "(in LibreOffice: Excel 2007-365), or upload it to Google Sheets and download it "
    "as Microsoft Excel (.xlsx)"
)
"""How to turn any spreadsheet into the `.xlsx` the pipeline reads."""

DOWNLOAD_AGAIN = "download the tracker again as Microsoft Excel (.xlsx)"

MISSING = "{name} does not exist"
FOLDER = "{name} is a folder, not a workbook: give the path of the .xlsx file in it"
LINK_LOOP = (
    "{name} is a shortcut (symbolic link) that leads back to itself: point it at the workbook"
)
BROKEN_LINK = "{name} is a shortcut (symbolic link) to a file that does not exist"
NOT_A_FILE = "{name} is not a regular file (a device or a pipe?): give the path of the workbook"
EMPTY = "{name} is empty (0 bytes): " + DOWNLOAD_AGAIN
ENCRYPTED = (
    "{name} is protected with a password, so it cannot be read: open it, remove the "
    "password (Excel: File → Info → Protect Workbook → Encrypt with Password, clear it) "
    "and save it as Excel (.xlsx)"
)
OLD_EXCEL = "{name} is an old Excel 97-2003 workbook (.xls); " + SAVE_AS_XLSX
OPENDOCUMENT = "{name} is an OpenDocument spreadsheet (.ods); " + SAVE_AS_XLSX
BINARY_EXCEL = "{name} is an Excel binary workbook (.xlsb); " + SAVE_AS_XLSX
NUMBERS = (
    "{name} is an Apple Numbers spreadsheet; open it in Numbers and export it: "
    "File → Export To → Excel (.xlsx)"
)
TEXT = "{name} is a text file (such as a .csv), not a workbook: " + SAVE_AS_XLSX
PDF = "{name} is a PDF document, not a workbook: " + DOWNLOAD_AGAIN
OTHER_OFFICE = "{name} is a Word or PowerPoint file, not an Excel workbook: " + DOWNLOAD_AGAIN
OTHER_ZIP = "{name} is a zip archive, not an Excel workbook: " + DOWNLOAD_AGAIN
DAMAGED = (
    "{name} is damaged or incomplete (a download cut short?) and cannot be opened: "
    + DOWNLOAD_AGAIN
)
UNKNOWN = "{name} is not an Excel workbook (its content is no .xlsx): " + DOWNLOAD_AGAIN
UNREADABLE_CONTENT = (
    "{name} is damaged and cannot be read ({detail}): open it in Excel, LibreOffice or "
    "Google Sheets and save it again as Excel (.xlsx), or " + DOWNLOAD_AGAIN
)
UNCALCULATED_FORMULAS = (
    "{name} has formulas whose values were never calculated ({count} in all; the first in "
    "tab '{tab}', cell {cell}), as in a workbook made by a program and never opened in a "
    "spreadsheet: open it in Excel, LibreOffice or Google Sheets and save it again, so "
    "the values are saved with the formulas"
)
CANNOT_OPEN = "{name} cannot be opened ({detail}): check that the run may read it"

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_SNIFFED_BYTES = 64 * 1024 * 1024
"""How much more of an OLE file is searched for its encryption stream (trackers are smaller)."""
_TEXT_SAMPLE = 4096


def workbook_file_problem(path: Path) -> str | None:
    """Why this path cannot be read as an `.xlsx` workbook, in plain words; None when it may.

    Decided by what is there (a folder, a link, the file's first bytes), never by the
    name alone: an `.xlsm` or an `.xlsx` named `.xls` is a workbook and is read.

    Args:
        path: The workbook path from the config.
    """
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        return _stat_problem(path, error).format(name=name, detail=error.strerror)
    if path.is_dir():
        return FOLDER.format(name=name)
    if not path.is_file():
        return NOT_A_FILE.format(name=name)
    if size == 0:
        return EMPTY.format(name=name)
    try:
        with path.open("rb") as file:
            head = file.read(_TEXT_SAMPLE)
            if head.startswith(_OLE_MAGIC):  # its directory may sit anywhere in the file
                head += file.read(_SNIFFED_BYTES)
    except OSError as error:
        return CANNOT_OPEN.format(name=name, detail=error.strerror or type(error).__name__)
    return _content_problem(path, head)


def _stat_problem(path: Path, error: OSError) -> str:
    """What a path that cannot be looked at is: missing, a looping or broken link, forbidden."""
    if error.errno == errno.ELOOP:
        return LINK_LOOP
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return BROKEN_LINK if path.is_symlink() else MISSING
    return CANNOT_OPEN


def _content_problem(path: Path, head: bytes) -> str | None:
    name = path.name
    if head.startswith(_OLE_MAGIC):
        return (ENCRYPTED if _ENCRYPTION_STREAM in head else OLD_EXCEL).format(name=name)
    if head.startswith(_ZIP_MAGIC):
        return _zip_problem(path, name)
    if head.startswith(b"%PDF"):
        return PDF.format(name=name)
    if _looks_like_text(head[:_TEXT_SAMPLE]):
        return TEXT.format(name=name)
    return UNKNOWN.format(name=name)


def _zip_problem(path: Path, name: str) -> str | None:
    """What a zip file is: a workbook (None), another office format, or damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return DAMAGED.format(name=name)
    if b"opendocument" in mimetype:
        return OPENDOCUMENT.format(name=name)
    if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
        return NUMBERS.format(name=name)
    if "xl/workbook.bin" in names:
        return BINARY_EXCEL.format(name=name)
    if "xl/workbook.xml" in names:
        return None
    if "[Content_Types].xml" in names:
        return OTHER_OFFICE.format(name=name)
    return OTHER_ZIP.format(name=name)


def _looks_like_text(sample: bytes) -> bool:
    """Whether bytes read as text: UTF-8 or UTF-16, no control characters but line ends."""
    # UTF-16 only with its byte-order mark (as spreadsheets export "Unicode text"): any
    # even run of bytes decodes as UTF-16, so without the mark it proves nothing.
    encodings = ("utf-8", "utf-16") if sample[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8",)
    for encoding in encodings:
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            # A sample cut in the middle of a character: judge what came before it.
            try:
                text = sample[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        if text and all(c.isprintable() or c in "\r\n\t\ufeff" for c in text):
            return True
    return False

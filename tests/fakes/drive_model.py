"""Drive as the fake holds it: files and folders with revisions, sharing, and `q` searches."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.google_api import ApiError

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_SHEET = "application/vnd.google-apps.spreadsheet"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES = ("reader", "writer")


def now_rfc3339() -> str:
    """The current time as Drive writes it: `2021-10-31T12:00:00.000Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_id() -> str:
    """A Drive-looking id (33 URL-safe characters)."""
    return "1" + secrets.token_urlsafe(24)


@dataclass
class Revision:
    """One stored content of a file."""

    revision_id: str
    content: bytes
    mime_type: str
    modified_time: str
    keep_forever: bool = False
    original_filename: str | None = None

    def resource(self) -> dict[str, Any]:
        """The `revisions` resource."""
        answer: dict[str, Any] = {
            "kind": "drive#revision",
            "id": self.revision_id,
            "mimeType": self.mime_type,
            "modifiedTime": self.modified_time,
            "keepForever": self.keep_forever,
            "published": False,
            "size": str(len(self.content)),
            "md5Checksum": hashlib.md5(self.content).hexdigest(),
        }
        if self.original_filename:
            answer["originalFilename"] = self.original_filename
        return answer


@dataclass
class DriveFile:
    """A file or folder.

    Attributes:
        converted_from: The MIME type of the upload Google converted into this file
            (an `.xlsx` turned into a Google Sheet), None when not converted.
    """

    file_id: str
    name: str
    mime_type: str
    parents: list[str] = field(default_factory=list)
    drive_id: str | None = None
    created_time: str = field(default_factory=now_rfc3339)
    modified_time: str = field(default_factory=now_rfc3339)
    trashed: bool = False
    description: str | None = None
    revisions: list[Revision] = field(default_factory=list)
    converted_from: str | None = None
    owner: str | None = None

    @property
    def content(self) -> bytes:
        """The head revision's content (b"" when none)."""
        return self.revisions[-1].content if self.revisions else b""

    @property
    def is_google_type(self) -> bool:
        """A Google Docs-editors file or a folder: no binary content to download."""
        return self.mime_type.startswith("application/vnd.google-apps.")

    def web_view_link(self) -> str:
        """The link a person opens."""
        if self.mime_type == FOLDER:
            return f"https://drive.google.com/drive/folders/{self.file_id}"
        if self.mime_type == GOOGLE_SHEET:
            return f"https://docs.google.com/spreadsheets/d/{self.file_id}/edit?usp=drivesdk"
        return f"https://drive.google.com/file/d/{self.file_id}/view?usp=drivesdk"

    def resource(self) -> dict[str, Any]:
        """The full `files` resource (the caller applies `fields`)."""
        answer: dict[str, Any] = {
            "kind": "drive#file",
            "id": self.file_id,
            "name": self.name,
            "mimeType": self.mime_type,
            "parents": list(self.parents),
            "trashed": self.trashed,
            "createdTime": self.created_time,
            "modifiedTime": self.modified_time,
            "webViewLink": self.web_view_link(),
            "version": str(len(self.revisions) + 1),
        }
        if self.drive_id:
            answer["driveId"] = self.drive_id
            answer["teamDriveId"] = self.drive_id
        if self.description is not None:
            answer["description"] = self.description
        if self.revisions and not self.is_google_type:
            head = self.revisions[-1]
            answer["headRevisionId"] = head.revision_id
            answer["size"] = str(len(head.content))
            answer["md5Checksum"] = hashlib.md5(head.content).hexdigest()
            if head.original_filename:
                answer["originalFilename"] = head.original_filename
        return answer


# --- q ----------------------------------------------------------------------------------

_Q_TOKEN = re.compile(r"\s*(?:('(?:[^'\\]|\\.)*')|(!=|=|\(|\))|([A-Za-z]+))")


def q_matcher(q: str) -> list[tuple[str, str, str]]:
    """Parse a `q` of clauses joined by `and`: (field, operator, value) each.

    Supports `name = '…'`, `name contains '…'`, `mimeType = | != '…'`,
    `'ID' in parents`, `trashed = true|false`. Anything else is a 400 "Invalid Value",
    so a query the fake does not understand fails loudly rather than matching wrongly.
    """
    tokens = _tokens(q)
    clauses = []
    position = 0
    while position < len(tokens):
        if len(tokens) - position < 3:
            raise _invalid_q()
        left, operator, right = tokens[position : position + 3]
        clauses.append(_clause(left, operator, right))
        position += 3
        if position < len(tokens):
            if tokens[position].lower() != "and":
                raise _invalid_q()
            position += 1
    return clauses


def matches(clauses: list[tuple[str, str, str]], file: DriveFile) -> bool:
    """True when the file meets every clause."""
    for name, operator, value in clauses:
        if name == "parents":
            ok = value in file.parents
        elif name == "trashed":
            ok = file.trashed == (value == "true")
        elif name == "name":
            ok = value in file.name if operator == "contains" else file.name == value
        else:  # mimeType
            ok = (file.mime_type == value) == (operator == "=")
        if not ok:
            return False
    return True


def _tokens(q: str) -> list[str]:
    tokens = []
    position = 0
    while position < len(q.rstrip()):
        match = _Q_TOKEN.match(q, position)
        if match is None:
            raise _invalid_q()
        tokens.append(match.group(match.lastindex or 0))
        position = match.end()
    return tokens


def _clause(left: str, operator: str, right: str) -> tuple[str, str, str]:
    if operator == "in" and right == "parents" and left.startswith("'"):
        return ("parents", "in", _unquote(left))
    if left == "trashed" and operator in ("=", "!=") and right in ("true", "false"):
        flipped = {"true": "false", "false": "true"}
        return ("trashed", "=", right if operator == "=" else flipped[right])
    if left == "name" and operator in ("=", "contains") and right.startswith("'"):
        return ("name", operator, _unquote(right))
    if left == "mimeType" and operator in ("=", "!=") and right.startswith("'"):
        return ("mimeType", operator, _unquote(right))
    raise _invalid_q()


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _invalid_q() -> ApiError:
    return ApiError.drive(400, "Invalid Value", "invalid", location="q", locationType="parameter")

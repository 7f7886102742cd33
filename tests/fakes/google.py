"""The fake Google in one import: the server, accounts, spreadsheets and client helpers.

    from tests.fakes.google import FakeGoogle, GoogleAccounts

See README.md in this folder for what it serves and how tests use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes.drive_model import FOLDER, GOOGLE_SHEET, XLSX, DriveFile, Revision
from tests.fakes.drive_service import Conversion
from tests.fakes.faults import Faults, LoggedRequest, ReadQuota
from tests.fakes.google_auth import ServiceAccount
from tests.fakes.google_clients import (
    LoopbackHttp,
    drive_service,
    gspread_client,
    gspread_http_client,
)
from tests.fakes.google_server import FakeGoogle
from tests.fakes.sheets_model import (
    Cell,
    CellError,
    Spreadsheet,
    Tab,
    spreadsheet_from_rows,
    spreadsheet_from_xlsx,
)

__all__ = [
    "FOLDER",
    "GOOGLE_SHEET",
    "XLSX",
    "Cell",
    "CellError",
    "Conversion",
    "DriveFile",
    "FakeGoogle",
    "Faults",
    "GoogleAccounts",
    "LoggedRequest",
    "LoopbackHttp",
    "ReadQuota",
    "Revision",
    "ServiceAccount",
    "Spreadsheet",
    "Tab",
    "drive_service",
    "gspread_client",
    "gspread_http_client",
    "spreadsheet_from_rows",
    "spreadsheet_from_xlsx",
]


@dataclass(frozen=True)
class GoogleAccounts:
    """The service accounts of a test session (keys generated once, never stored).

    Attributes:
        reader: The pipeline's account: registered; share things with it.
        outsider: Registered, but nothing is shared with it (403s).
        forged: The reader's e-mail with another key: the token endpoint refuses it (401).
        unknown: An account the fake has never heard of (refused too).
    """

    reader: ServiceAccount
    outsider: ServiceAccount
    forged: ServiceAccount
    unknown: ServiceAccount

    @classmethod
    def generate(cls) -> GoogleAccounts:
        """Four accounts with fresh keys (≈ 0.1 s each)."""
        reader = ServiceAccount.generate("stc-reporting")
        return cls(
            reader=reader,
            outsider=ServiceAccount.generate("someone-else"),
            forged=ServiceAccount.with_new_key(reader.email),
            unknown=ServiceAccount.generate("never-registered"),
        )

    @property
    def registered(self) -> tuple[ServiceAccount, ...]:
        """The accounts the fake's token endpoint accepts."""
        return (self.reader, self.outsider)

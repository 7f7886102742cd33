"""Publishing to a Google Drive folder, and making a new tracker there as a Google Sheet.

`DrivePublisher` puts each file in the folder `google.drive_folder_id` (a folder in a
Shared Drive: a service account has no storage of its own). A file whose name is already
in the folder gets its content replaced (`files.update`: a new revision of the same file,
so links people saved keep working), never a duplicate; every published revision is kept
forever (`keepRevisionForever`), so what the funder was sent can always be found again.
Each file is answered with its Drive id and the link a person opens.

Every request goes through `with_retries` (google_access.py): 429, 5xx, resets and
time-outs are tried again a bounded number of times with jittered backoff. A folder the
service account cannot see (404) or cannot add to (403) fails with a message saying
what to do. The Drive client comes from `GoogleAccess.drive_service()`: the static
discovery document, so building it needs no network.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from google.auth.exceptions import GoogleAuthError
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

from stc_reporting.google_access import GoogleAccess, RetryPolicy, is_transient, with_retries
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.outputs.publishing import PublishedFile, PublishOutcome, read_unchanged
from stc_reporting.outputs.writer import WrittenFile

FOLDER_MIME_TYPE = "application/vnd.google-apps.folder"
SHEET_MIME_TYPE = "application/vnd.google-apps.spreadsheet"
XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_MIME_TYPES = {".docx": DOCX_MIME_TYPE, ".xlsx": XLSX_MIME_TYPE, ".html": "text/html"}
_FILE_FIELDS = "id,name,mimeType,webViewLink"
TRACKER_TEMPLATE = TEMPLATES_DIR / "tracker-template.xlsx"


class DriveError(Exception):
    """Drive refused or kept failing; the message says what to do."""


@dataclass(frozen=True)
class DriveFile:
    """A file in Drive: its id, name and the link a person opens."""

    id: str
    name: str
    link: str


class DriveFolder:
    """One Drive folder, through the service account: find, upload and replace files by name.

    Args:
        access: Google access (credentials, endpoint, time-out), built once per run.
        folder_id: The folder's Drive id (`google.drive_folder_id`).
        retry: How failing requests are tried again.
    """

    def __init__(
        self, access: GoogleAccess, folder_id: str, retry: RetryPolicy | None = None
    ) -> None:
        self.access = access
        self.folder_id = folder_id
        self.retry = retry or RetryPolicy()
        self._service: Any = None

    @property
    def service(self) -> Any:
        """The Drive v3 client, built on first use (no network at build)."""
        if self._service is None:
            self._service = self.access.drive_service()
        return self._service

    def check(self) -> None:
        """Check the folder exists, is a folder and the service account can see it.

        Raises:
            DriveError: It cannot be used; the message says how to fix it.
        """
        with self._explained("open the folder"):
            folder = self._call(
                lambda: self.service.files().get(
                    fileId=self.folder_id, fields="id,name,mimeType", supportsAllDrives=True
                )
            )
        if folder.get("mimeType") != FOLDER_MIME_TYPE:
            raise DriveError(
                f"Google Drive item {self.folder_id} is not a folder: "
                "check google.drive_folder_id in the config"
            )

    def find(self, name: str) -> list[dict[str, Any]]:
        """Every file of that exact name in the folder (not in the trash)."""
        return with_retries(lambda: self._list(name), self.retry)

    def _list(self, name: str) -> list[dict[str, Any]]:
        """One try of `find` (every page)."""
        query = f"name = '{_quoted(name)}' and '{_quoted(self.folder_id)}' in parents"
        query += " and trashed = false"
        found: list[dict[str, Any]] = []
        page: str | None = None
        while True:
            answer = (
                self.service.files()
                .list(
                    q=query,
                    fields=f"nextPageToken,files({_FILE_FIELDS})",
                    supportsAllDrives=True,
                    includeItemsFromAllDrives=True,
                    pageSize=100,
                    pageToken=page,
                )
                .execute()
            )
            found += answer.get("files", [])
            page = answer.get("nextPageToken")
            if not page:
                return found

    def put(self, name: str, content: bytes, mime_type: str) -> DriveFile:
        """Upload `content` as `name`: a new revision of the file of that name, else a new file.

        The revision is kept forever. Each try looks the name up again, so a create whose
        answer was lost is found and updated on the next try, not made twice.

        Raises:
            DriveError: Drive refused, or kept failing; or several files have the name.
        """

        def attempt() -> dict[str, Any]:
            existing = self._list(name)
            if len(existing) > 1:
                raise DriveError(
                    f"{len(existing)} files are named {name} in the Drive folder; "
                    "keep one (move the others out) so it is clear which one is the report"
                )
            media = MediaInMemoryUpload(content, mimetype=mime_type, resumable=False)
            files = self.service.files()
            if existing:
                request = files.update(
                    fileId=existing[0]["id"],
                    media_body=media,
                    keepRevisionForever=True,
                    supportsAllDrives=True,
                    fields=_FILE_FIELDS,
                )
            else:
                request = files.create(
                    body={"name": name, "parents": [self.folder_id]},
                    media_body=media,
                    keepRevisionForever=True,
                    supportsAllDrives=True,
                    fields=_FILE_FIELDS,
                )
            answer: dict[str, Any] = request.execute()
            return answer

        with self._explained(f"upload {name}"):
            return _drive_file(with_retries(attempt, self.retry))

    def create_converted(
        self, name: str, content: bytes, source_type: str, target: str
    ) -> DriveFile:
        """Upload `content` as a new file converted to a Google type (e.g. .xlsx to a Sheet).

        Never replaces anything: a file of that name in the folder already stops it. A
        try that follows a lost answer finds the file the lost try made and keeps it.

        Raises:
            DriveError: A file of that name is in the folder already, or Drive refused.
        """
        with self._explained(f"create {name}"):
            if existing := self.find(name):
                raise DriveError(
                    f"a file named {name} is already in the Drive folder "
                    f"(id {existing[0]['id']}); nothing was created"
                )
            tries = 0

            def attempt() -> dict[str, Any]:
                nonlocal tries
                tries += 1
                if tries > 1 and (made := self._list(name)):
                    return made[0]
                answer: dict[str, Any] = (
                    self.service.files()
                    .create(
                        body={"name": name, "parents": [self.folder_id], "mimeType": target},
                        media_body=MediaInMemoryUpload(
                            content, mimetype=source_type, resumable=False
                        ),
                        supportsAllDrives=True,
                        fields=_FILE_FIELDS,
                    )
                    .execute()
                )
                return answer

            return _drive_file(with_retries(attempt, self.retry))

    def _call(self, request: Any) -> Any:
        """Execute a request built fresh by `request()` for each try."""
        return with_retries(lambda: request().execute(), self.retry)

    @contextlib.contextmanager
    def _explained(self, doing: str) -> Iterator[None]:
        """Turn what Google raised while `doing` into a `DriveError` saying what to do."""
        email = self.access.email or "the service account"
        try:
            yield
        except HttpError as error:
            raise self._explain(error, doing) from error
        except GoogleAuthError as error:
            raise DriveError(
                f"could not {doing}: Google refused the service-account key of {email} "
                f"({type(error).__name__}); check the key named by google.credentials "
                "(or $GOOGLE_APPLICATION_CREDENTIALS)"
            ) from error
        except Exception as error:
            if not is_transient(error):
                raise
            raise DriveError(
                f"could not {doing}: Google Drive did not answer after {self.retry.attempts} "
                f"tries ({type(error).__name__}: {error}); try again later"
            ) from error

    def _explain(self, error: HttpError, doing: str) -> DriveError:
        """A message a program manager can act on, for a Drive refusal."""
        email = self.access.email or "the service account"
        status = error.status_code
        if status == 404:
            return DriveError(
                f"could not {doing}: Google Drive folder {self.folder_id} was not found by "
                f"{email}. Check google.drive_folder_id in the config, and share the folder "
                f"with {email} as Content manager"
            )
        if status == 403:
            return DriveError(
                f"could not {doing}: {email} may not add files to Google Drive folder "
                f"{self.folder_id} ({_message(error)}). Share the folder with {email} as "
                "Content manager; the folder must be in a Shared Drive"
            )
        if status == 401:
            return DriveError(
                f"could not {doing}: Google refused the service-account key of {email} "
                "(401); check the key in google.credentials"
            )
        return DriveError(f"could not {doing}: Google Drive answered {status} ({_message(error)})")


class DrivePublisher:
    """Publishes files into a Google Drive folder (see the module docstring).

    Args:
        access: Google access, built once per run.
        folder_id: The folder's Drive id (`google.drive_folder_id`).
        retry: How failing requests are tried again.
    """

    def __init__(
        self, access: GoogleAccess, folder_id: str, retry: RetryPolicy | None = None
    ) -> None:
        self.folder = DriveFolder(access, folder_id, retry)

    @property
    def destination(self) -> str:
        """Where the files go, in words."""
        return f"Google Drive folder {self.folder.folder_id}"

    def publish(self, run_dir: Path, files: Sequence[WrittenFile]) -> PublishOutcome:
        """Upload each file into the folder; a file that fails fails alone.

        A folder that cannot be used fails every file, with the same message.
        """
        outcome = PublishOutcome()
        try:
            self.folder.check()
        except DriveError as error:
            outcome.failures += [f"{f.path} was not published: {error}" for f in files]
            return outcome
        for written in files:
            try:
                outcome.published.append(self._publish_one(run_dir, written))
            except (DriveError, OSError, ValueError) as error:
                outcome.failures.append(f"{written.path} was not published: {error}")
        return outcome

    def _publish_one(self, run_dir: Path, written: WrittenFile) -> PublishedFile:
        content = read_unchanged(run_dir, written)
        digest = written.sha256
        name = PurePosixPath(written.path).name
        file = self.folder.put(name, content, mime_type_of(name))
        return PublishedFile(written.path, file.id, file.link, digest)


def tracker_title(name: str) -> str:
    """The name of a collaborative's tracker Sheet in Drive."""
    return f"{name} tracker"


def create_tracker_sheet(
    access: GoogleAccess,
    folder_id: str,
    name: str,
    template: Path = TRACKER_TEMPLATE,
    retry: RetryPolicy | None = None,
) -> DriveFile:
    """Upload the blank tracker template into the folder as a new Google Sheet.

    Drive converts the .xlsx (tabs, headers, dropdowns, the instructions tab) into a
    Sheet the collaborative keeps; its id is the `sheet_id` of the config entry.

    Args:
        access: Google access, built once.
        folder_id: The Drive folder (`google.drive_folder_id`).
        name: The collaborative's name (the Sheet is called "<name> tracker").
        template: The blank tracker workbook.
        retry: How failing requests are tried again.

    Returns:
        The new Sheet: its id (the spreadsheet id) and link.

    Raises:
        DriveError: The folder cannot be used, the name is taken, or Drive refused.
        OSError: The template cannot be read.
    """
    folder = DriveFolder(access, folder_id, retry)
    folder.check()
    content = template.read_bytes()
    return folder.create_converted(tracker_title(name), content, XLSX_MIME_TYPE, SHEET_MIME_TYPE)


def mime_type_of(name: str) -> str:
    """The media type to upload a file as, from its name."""
    return _MIME_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def _quoted(text: str) -> str:
    """Text inside a Drive `q` string literal: backslashes and single quotes escaped."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _drive_file(answer: dict[str, Any]) -> DriveFile:
    return DriveFile(
        str(answer["id"]), str(answer.get("name", "")), str(answer.get("webViewLink", ""))
    )


def _message(error: HttpError) -> str:
    reason = error.reason if isinstance(getattr(error, "reason", None), str) else ""
    return reason or f"HTTP {error.status_code}"


@dataclass
class SharedDrafts:
    """The drafts put in the Drive drafts folder for reviewers.

    Attributes:
        links: A draft's path in the run folder to the Drive link a person opens.
        failures: Why a draft could not be shared (its `file://` link is shown instead).
    """

    links: dict[str, str]
    failures: list[str]


def share_drafts(
    access: GoogleAccess,
    folder_id: str,
    run_dir: Path,
    files: Sequence[WrittenFile],
    month: str,
    retry: RetryPolicy | None = None,
) -> SharedDrafts:
    """Put a run's drafts in the reviewers' Drive folder (`google.drafts_folder_id`).

    Each is named `<month> <file name>` (`2021-10 program-report.docx`), so a later run of
    the month adds a revision to the same file and reviewers' links keep working. The
    funder never sees this folder: finals go to `google.drive_folder_id` on approval.

    Args:
        access: Google access, built once per run.
        folder_id: The drafts folder's Drive id.
        run_dir: The run's folder.
        files: The drafts to share, as the run wrote them (checked unchanged).
        month: The data month, `YYYY-MM`.
        retry: How failing requests are tried again.
    """
    folder = DriveFolder(access, folder_id, retry)
    shared = SharedDrafts({}, [])
    try:
        folder.check()
    except DriveError as error:
        shared.failures.append(f"the drafts folder cannot be used: {error}")
        return shared
    for written in files:
        name = f"{month} {PurePosixPath(written.path).name}"
        try:
            content = read_unchanged(run_dir, written)
            shared.links[written.path] = folder.put(name, content, mime_type_of(name)).link
        except (DriveError, OSError, ValueError) as error:
            shared.failures.append(f"{written.path} was not shared: {error}")
    return shared

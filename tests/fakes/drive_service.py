"""The Drive v3 surface the publisher and `new-tracker` use.

`files.get` (metadata and `alt=media`), `files.list` (a `q` of `and`-joined clauses),
`files.create` and `files.update` (metadata only, `uploadType=media|multipart|resumable`),
`revisions.list` and `revisions.update`. Sharing is per file or folder and inherited by
what a folder holds. Items in a Shared Drive are invisible without `supportsAllDrives=true`
(and left out of lists without `includeItemsFromAllDrives=true`), as in Drive; a service
account cannot store content outside a Shared Drive (403 `storageQuotaExceeded`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import fieldmask
from tests.fakes.drive_model import (
    FOLDER,
    GOOGLE_SHEET,
    XLSX,
    DriveFile,
    Revision,
    matches,
    new_id,
    now_rfc3339,
    q_matcher,
)
from tests.fakes.google_api import ApiError, ApiRequest, ApiResponse

DEFAULT_FIELDS = "kind,id,name,mimeType"
CONVERTIBLE = {GOOGLE_SHEET: {XLSX, "application/vnd.ms-excel"}}
NO_QUOTA = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
    "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead."
)


@dataclass
class Conversion:
    """An upload Google was asked to convert (what the fake keeps of it)."""

    file_id: str
    name: str
    source_mime_type: str
    content: bytes


@dataclass
class UploadSession:
    """A resumable upload between its first request and its last byte."""

    request: ApiRequest
    file_id: str | None
    metadata: dict[str, Any]
    media_type: str
    total: int | None = None
    received: bytearray = field(default_factory=bytearray)


class Access:
    """Who may read or write which file, folder or spreadsheet (by id)."""

    def __init__(self, files: dict[str, DriveFile]) -> None:
        """Sharing of these Drive files (and of any other id, such as a spreadsheet's)."""
        self.files = files
        self.shares: dict[str, dict[str, str]] = {}

    def share(self, resource_id: str, email: str, role: str = "reader") -> None:
        """Give `email` the role `reader` or `writer` on the id (and what it contains)."""
        if role not in ("reader", "writer"):
            raise ValueError(f"role must be reader or writer, not {role}")
        self.shares.setdefault(resource_id, {})[email] = role

    def role(self, email: str, resource_id: str) -> str | None:
        """The best role `email` has on the id, directly or through its folders."""
        seen: set[str] = set()
        pending = [resource_id]
        best: str | None = None
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            file = self.files.get(current)
            direct = self.shares.get(current, {}).get(email)
            if file is not None and file.owner == email:
                direct = "writer"
            if direct == "writer":
                return "writer"
            best = best or direct
            if file is not None:
                pending.extend(file.parents)
        return best

    def can_read(self, email: str, resource_id: str) -> bool:
        """Reader or writer."""
        return self.role(email, resource_id) is not None

    def can_write(self, email: str, resource_id: str) -> bool:
        """Writer."""
        return self.role(email, resource_id) == "writer"


class DriveService:
    """Answers Drive requests from the fake's files."""

    def __init__(
        self,
        files: dict[str, DriveFile],
        access: Access,
        convert: Callable[[DriveFile, bytes], None],
    ) -> None:
        """Serve these files; `convert(file, xlsx_bytes)` registers a converted Sheet."""
        self.files = files
        self.access = access
        self.convert = convert
        self.conversions: list[Conversion] = []
        self.sessions: dict[str, UploadSession] = {}
        self._lock = threading.Lock()

    # --- set-up (tests) ----------------------------------------------------------------

    def add_folder(self, name: str, *, shared_drive: bool = True) -> DriveFile:
        """A folder; by default the root folder of a new Shared Drive."""
        drive_id = "0A" + secrets.token_urlsafe(14) if shared_drive else None
        folder = DriveFile(new_id(), name, FOLDER, drive_id=drive_id)
        self.files[folder.file_id] = folder
        return folder

    # --- requests ----------------------------------------------------------------------

    def get(self, request: ApiRequest, file_id: str) -> ApiResponse:
        """`files.get`: metadata, or the content with `alt=media`."""
        file = self._visible(request, file_id)
        if request.param("alt") == "media":
            if file.is_google_type:
                raise ApiError.drive(
                    403,
                    "Only files with binary content can be downloaded. Use Export with "
                    "Docs Editors files.",
                    "fileNotDownloadable",
                    location="alt",
                    locationType="parameter",
                )
            return ApiResponse(200, file.content, file.revisions[-1].mime_type)
        return _resource(request, file.resource())

    def list_files(self, request: ApiRequest) -> ApiResponse:
        """`files.list`: the visible files matching `q`, a page at a time."""
        clauses = q_matcher(request.param("q") or "")
        all_drives = (request.flag("supportsAllDrives") or request.flag("supportsTeamDrives")) and (
            request.flag("includeItemsFromAllDrives") or request.flag("includeTeamDriveItems")
        )
        found = [
            file.resource()
            for file in self.files.values()
            if (all_drives or file.drive_id is None)
            and self.access.can_read(request.account, file.file_id)
            and matches(clauses, file)
        ]
        start = int(request.param("pageToken") or 0)
        size = int(request.param("pageSize") or 100)
        page: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": found[start : start + size],
        }
        if start + size < len(found):
            page["nextPageToken"] = str(start + size)
        mask = _mask(request.param("fields") or f"kind,incompleteSearch,files({DEFAULT_FIELDS})")
        return ApiResponse.of_json(fieldmask.apply(mask, page))

    def create(self, request: ApiRequest) -> ApiResponse:
        """`files.create`, metadata only or with content (media, multipart, resumable)."""
        upload = request.param("uploadType")
        if upload == "resumable":
            return self._open_session(request, None)
        metadata, media = _metadata_and_media(request, upload)
        return _resource(request, self._create(request, metadata, media).resource())

    def update(self, request: ApiRequest, file_id: str) -> ApiResponse:
        """`files.update`: metadata, parents and (with an upload) new content."""
        upload = request.param("uploadType")
        if upload == "resumable":
            return self._open_session(request, file_id)
        metadata, media = _metadata_and_media(request, upload)
        return _resource(request, self._update(request, file_id, metadata, media).resource())

    def upload_chunk(self, request: ApiRequest, upload_id: str) -> ApiResponse:
        """A `PUT` to a resumable session URI: store the bytes, finish when all arrived."""
        with self._lock:
            session = self.sessions.get(upload_id)
        if session is None:
            raise ApiError.drive(404, "Upload session not found.", "notFound")
        content_range = request.headers.get("content-range", "")
        total_text = content_range.rsplit("/", 1)[-1] if "/" in content_range else ""
        if total_text.isdigit():
            session.total = int(total_text)
        session.received.extend(request.body)
        if session.total is None or len(session.received) < session.total:
            headers = {"Range": f"bytes=0-{len(session.received) - 1}"} if session.received else {}
            return ApiResponse(308, b"", "text/plain", headers)
        with self._lock:
            self.sessions.pop(upload_id, None)
        media = (session.media_type, bytes(session.received))
        if session.file_id is None:
            file = self._create(session.request, session.metadata, media)
        else:
            file = self._update(session.request, session.file_id, session.metadata, media)
        return _resource(session.request, file.resource())

    def list_revisions(self, request: ApiRequest, file_id: str) -> ApiResponse:
        """`revisions.list`: every stored revision of the file, oldest first."""
        file = self._visible(request, file_id, all_drives_param=False)
        answer = {
            "kind": "drive#revisionList",
            "revisions": [revision.resource() for revision in file.revisions],
        }
        mask = _mask(request.param("fields") or "kind,revisions(kind,id,mimeType,modifiedTime)")
        return ApiResponse.of_json(fieldmask.apply(mask, answer))

    def update_revision(self, request: ApiRequest, file_id: str, revision_id: str) -> ApiResponse:
        """`revisions.update`: set `keepForever` on a revision."""
        file = self._writable(request, file_id, all_drives_param=False)
        for revision in file.revisions:
            if revision.revision_id == revision_id:
                if "keepForever" in (body := request.json()):
                    revision.keep_forever = bool(body["keepForever"])
                mask = _mask(request.param("fields") or "kind,id,mimeType,modifiedTime")
                return ApiResponse.of_json(fieldmask.apply(mask, revision.resource()))
        raise ApiError.drive(404, f"Revision not found: {revision_id}.", "notFound")

    # --- the work ----------------------------------------------------------------------

    def _create(
        self, request: ApiRequest, metadata: dict[str, Any], media: tuple[str, bytes] | None
    ) -> DriveFile:
        parents = [str(parent) for parent in metadata.get("parents", [])]
        drive_id = self._check_parents(request, parents, has_content=media is not None)
        wanted = str(metadata.get("mimeType") or (media[0] if media else "") or "")
        file = DriveFile(
            new_id(),
            str(metadata.get("name") or "Untitled"),
            wanted or "application/octet-stream",
            parents=parents,
            drive_id=drive_id,
            description=metadata.get("description"),
            owner=request.account,
        )
        if media is not None:
            self._store_content(request, file, media, metadata)
        with self._lock:
            self.files[file.file_id] = file
        return file

    def _update(
        self,
        request: ApiRequest,
        file_id: str,
        metadata: dict[str, Any],
        media: tuple[str, bytes] | None,
    ) -> DriveFile:
        file = self._writable(request, file_id)
        if "name" in metadata:
            file.name = str(metadata["name"])
        if "description" in metadata:
            file.description = metadata["description"]
        added = [parent for parent in (request.param("addParents") or "").split(",") if parent]
        removed = set((request.param("removeParents") or "").split(","))
        if added:
            self._check_parents(request, added, has_content=False)
        file.parents = [parent for parent in file.parents if parent not in removed] + added
        if media is not None:
            self._store_content(request, file, media, metadata)
        file.modified_time = now_rfc3339()
        return file

    def _store_content(
        self,
        request: ApiRequest,
        file: DriveFile,
        media: tuple[str, bytes],
        metadata: dict[str, Any],
    ) -> None:
        """Add a revision; an upload into a Google type is converted (a new Sheet)."""
        media_type, content = media
        keep = request.flag("keepRevisionForever")
        revision_id = "0B" + secrets.token_urlsafe(20)
        if file.is_google_type:
            if media_type not in CONVERTIBLE.get(file.mime_type, set()):
                raise ApiError.drive(
                    400, f"Conversion from {media_type} to {file.mime_type} is not supported.",
                    "badRequest",
                )  # fmt: skip
            file.converted_from = media_type
            self.conversions.append(Conversion(file.file_id, file.name, media_type, content))
            self.convert(file, content)
            file.revisions.append(Revision(revision_id, b"", file.mime_type, now_rfc3339(), keep))
            return
        original = metadata.get("originalFilename") or (file.name if not file.revisions else None)
        file.revisions.append(
            Revision(revision_id, content, media_type, now_rfc3339(), keep, original)
        )

    def _check_parents(
        self, request: ApiRequest, parents: list[str], has_content: bool
    ) -> str | None:
        """The Shared Drive the new file lands in (None for My Drive), after the checks."""
        drive_ids = {self._writable(request, parent).drive_id for parent in parents}
        drive_id = next(iter(drive_ids), None)
        if has_content and drive_id is None:
            raise ApiError.drive(403, NO_QUOTA, "storageQuotaExceeded")
        return drive_id

    def _visible(
        self, request: ApiRequest, file_id: str, *, all_drives_param: bool = True
    ) -> DriveFile:
        """The file, when the caller may see it (a Shared Drive's needs `supportsAllDrives`).

        `revisions.*` take no `supportsAllDrives`: for them, `all_drives_param=False`.
        """
        file = self.files.get(file_id)
        hidden = file is None or not self.access.can_read(request.account, file_id)
        supports_all_drives = request.flag("supportsAllDrives") or request.flag(
            "supportsTeamDrives"
        )
        if not hidden and file is not None and file.drive_id and all_drives_param:
            hidden = not supports_all_drives
        if hidden:
            raise ApiError.drive(
                404, f"File not found: {file_id}.", "notFound", location="fileId",
                locationType="parameter",
            )  # fmt: skip
        assert file is not None
        return file

    def _writable(
        self, request: ApiRequest, file_id: str, *, all_drives_param: bool = True
    ) -> DriveFile:
        file = self._visible(request, file_id, all_drives_param=all_drives_param)
        if not self.access.can_write(request.account, file_id):
            raise ApiError.drive(
                403,
                "The user does not have sufficient permissions for this file.",
                "insufficientFilePermissions",
            )
        return file

    def _open_session(self, request: ApiRequest, file_id: str | None) -> ApiResponse:
        metadata = request.json()
        if file_id is None:
            parents = [str(parent) for parent in metadata.get("parents", [])]
            self._check_parents(request, parents, has_content=True)
        else:
            self._writable(request, file_id)
        media_type = request.headers.get("x-upload-content-type", "application/octet-stream")
        upload_id = secrets.token_urlsafe(18)
        with self._lock:
            self.sessions[upload_id] = UploadSession(request, file_id, metadata, media_type)
        path = "/upload/drive/v3/files" + (f"/{file_id}" if file_id else "")
        location = f"{request.base_url}{path}?uploadType=resumable&upload_id={upload_id}"
        return ApiResponse(200, b"", "text/plain", {"Location": location})


def _metadata_and_media(
    request: ApiRequest, upload: str | None
) -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    """The file metadata and (type, bytes) of the content the request carries."""
    if upload is None:
        return request.json(), None
    content_type = request.headers.get("content-type", "application/octet-stream")
    if upload == "media":
        return {}, (content_type.split(";")[0].strip(), request.body)
    if upload != "multipart":
        raise ApiError.drive(400, f"Invalid uploadType: {upload}", "invalid")
    parts = split_multipart(content_type, request.body)
    if len(parts) != 2:
        raise ApiError.drive(400, "Multipart upload needs metadata and media parts.", "badContent")
    (_, metadata_bytes), (media_type, media) = parts
    return json.loads(metadata_bytes or b"{}"), (media_type, media)


def split_multipart(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    r"""The parts of a `multipart/related` body: (content type, bytes) each.

    Parsed by hand so binary content (an .xlsx) comes through byte for byte; the line
    break before each boundary belongs to the boundary (RFC 2046), `\\r\\n` or `\\n`.
    """
    boundary = ""
    for piece in content_type.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip('"')
    if not boundary:
        raise ApiError.drive(400, "Missing multipart boundary.", "badContent")
    delimiter = b"--" + boundary.encode()
    parts = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        chunk = chunk.removeprefix(b"\r\n").removeprefix(b"\n")
        ends = [(chunk.find(mark), mark) for mark in (b"\r\n\r\n", b"\n\n") if mark in chunk]
        if not ends:
            raise ApiError.drive(400, "A multipart part has no headers.", "badContent")
        head, _, content = chunk.partition(min(ends)[1])
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        part_type = "application/octet-stream"
        unfolded = re.sub(r"\r?\n[ \t]+", " ", head.decode("latin-1"))  # long headers fold
        for line in unfolded.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-type":
                part_type = value.split(";")[0].strip()
        parts.append((part_type, content))
    return parts


def _mask(fields: str) -> fieldmask.Mask | None:
    try:
        return fieldmask.parse(fields)
    except fieldmask.FieldMaskError as error:
        raise ApiError.drive(
            400, f"Invalid field selection {fields}", "invalidParameter"
        ) from error


def _resource(request: ApiRequest, resource: dict[str, Any]) -> ApiResponse:
    return ApiResponse.of_json(
        fieldmask.apply(_mask(request.param("fields") or DEFAULT_FIELDS), resource)
    )

"""What the fake Google's services share: a parsed request, a response, Google's errors."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=UTF-8"


@dataclass
class ApiRequest:
    """One request as the services see it, after authentication.

    Attributes:
        method: The HTTP method, upper case.
        path: The URL path, without the query.
        query: The query parameters, each with all its values.
        headers: The request headers, names in lower case.
        body: The raw body.
        account: The service-account e-mail the bearer token belongs to.
        scopes: The OAuth scopes that token was granted.
        base_url: The fake's own URL, for links it hands out (resumable sessions).
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    account: str = ""
    scopes: frozenset[str] = frozenset()
    base_url: str = ""

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter, or the default."""
        values = self.query.get(name)
        return values[0] if values else default

    def flag(self, name: str) -> bool:
        """A boolean query parameter (`true`/`false`, absent = false)."""
        return (self.param(name) or "").lower() == "true"

    def json(self) -> Any:
        """The body parsed as JSON ({} when empty)."""
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise ApiError.bad_request(f"Invalid JSON payload received. {error}") from error


@dataclass
class ApiResponse:
    """What a service answers."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_json(cls, value: Any, status: int = 200) -> ApiResponse:
        """A JSON response, indented as Google's (`prettyPrint` is true by default)."""
        return cls(status, json.dumps(value, indent=2).encode())

    def gzipped(self) -> ApiResponse:
        """The same JSON answer gzip-encoded (`Content-Encoding: gzip`)."""
        if self.content_type != JSON_TYPE or not self.body:
            return self
        headers = {**self.headers, "Content-Encoding": "gzip"}
        return ApiResponse(self.status, gzip.compress(self.body), self.content_type, headers)

    def compact(self) -> ApiResponse:
        """The same JSON answer without indentation or line breaks (`prettyPrint=false`)."""
        if self.content_type != JSON_TYPE or not self.body:
            return self
        body = json.dumps(json.loads(self.body), separators=(",", ":")).encode()
        return ApiResponse(self.status, body, self.content_type, dict(self.headers))


# Google's status names for the HTTP codes the fake answers.
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project."
    ),
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: (
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
        "minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:000000000000'."
    ),
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}

# Drive v3's `errors[].reason` for the same codes.
DRIVE_REASONS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    429: "rateLimitExceeded",
    500: "internalError",
    502: "backendError",
    503: "backendError",
    504: "backendError",
}


class ApiError(Exception):
    """An error answer in Google's JSON shape; raised by a service, sent by the server."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body

    @classmethod
    def google(cls, status: int, message: str | None = None) -> ApiError:
        """The Sheets (and OAuth-protected API) error: code, message, status name."""
        text = message or DEFAULT_MESSAGES.get(status, "Error")
        error: dict[str, Any] = {
            "code": status,
            "message": text,
            "status": STATUS_NAMES.get(status, "UNKNOWN"),
        }
        if status == 429:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "quota_metric": "sheets.googleapis.com/read_requests",
                        "quota_limit": "ReadRequestsPerMinutePerUser",
                        "service": "sheets.googleapis.com",
                    },
                }
            ]
        return cls(status, {"error": error})

    @classmethod
    def drive(
        cls, status: int, message: str | None = None, reason: str | None = None, **where: str
    ) -> ApiError:
        """The Drive v3 error: code, message and an `errors` list with a reason."""
        text = message or DEFAULT_MESSAGES.get(status, "Error")
        detail = {
            "domain": "global" if status != 429 else "usageLimits",
            "reason": reason or DRIVE_REASONS.get(status, "unknown"),
            "message": text,
            **where,
        }
        return cls(status, {"error": {"code": status, "message": text, "errors": [detail]}})

    @classmethod
    def bad_request(cls, message: str) -> ApiError:
        """A 400 INVALID_ARGUMENT."""
        return cls.google(400, message)

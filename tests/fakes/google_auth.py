"""Service accounts with generated keys, and the fake OAuth token endpoint.

google-auth signs a JWT with the account's private key and posts it to `token_uri`
(grant type `urn:ietf:params:oauth:grant-type:jwt-bearer`); Google checks the signature
against the account's public key and answers an access token. The audience is always
`https://oauth2.googleapis.com/token`, whatever `token_uri` says.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from tests.fakes.google_api import ApiResponse

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
TOKEN_LIFETIME_SECONDS = 3600
PROJECT = "stc-test"


@dataclass(frozen=True)
class ServiceAccount:
    """A service account: its e-mail and an RSA key pair made for this test session."""

    email: str
    key_id: str
    private_key_pem: str
    public_key_pem: str

    @classmethod
    def generate(cls, name: str, project: str = PROJECT) -> ServiceAccount:
        """A new account `name@project.iam.gserviceaccount.com` with a fresh 2048-bit key."""
        return cls.with_new_key(f"{name}@{project}.iam.gserviceaccount.com")

    @classmethod
    def with_new_key(cls, email: str) -> ServiceAccount:
        """An account of this e-mail with a freshly generated key (a wrong key, for tests)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(email, secrets.token_hex(20), private_pem.decode(), public_pem.decode())

    def info(self, token_uri: str) -> dict[str, str]:
        """The service-account JSON Google's console would give, pointing at `token_uri`."""
        return {
            "type": "service_account",
            "project_id": self.email.split("@")[1].split(".")[0],
            "private_key_id": self.key_id,
            "private_key": self.private_key_pem,
            "client_email": self.email,
            "client_id": str(int(self.key_id[:12], 16)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
            + urllib.parse.quote(self.email),
        }

    def write(self, path: Path, token_uri: str) -> Path:
        """Write the JSON key file to `path` (never inside the repository)."""
        path.write_text(json.dumps(self.info(token_uri), indent=2), encoding="utf-8")
        return path


@dataclass(frozen=True)
class Grant:
    """An access token the fake handed out."""

    account: str
    scopes: frozenset[str]
    expires: float


@dataclass
class TokenIssuer:
    """The accounts the fake knows, and the access tokens it has issued."""

    accounts: dict[str, ServiceAccount] = field(default_factory=dict)
    _tokens: dict[str, Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, account: ServiceAccount) -> None:
        """Accept JWTs signed by this account's key."""
        self.accounts[account.email] = account

    def forget_tokens(self) -> None:
        """Revoke every access token (clients then fetch new ones)."""
        with self._lock:
            self._tokens.clear()

    def issued(self) -> list[str]:
        """Every access token handed out and not forgotten (for leak scans)."""
        with self._lock:
            return list(self._tokens)

    def grant_for(self, authorization: str | None) -> Grant | None:
        """The grant behind an `Authorization: Bearer ...` header, None if invalid."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        with self._lock:
            grant = self._tokens.get(authorization.removeprefix("Bearer ").strip())
        if grant is None or grant.expires < time.time():
            return None
        return grant

    def exchange(self, form_body: bytes) -> tuple[ApiResponse, str | None]:
        """Answer a token request; also the account it was for, when known."""
        form = urllib.parse.parse_qs(form_body.decode("utf-8", "replace"))
        if form.get("grant_type", [""])[0] != JWT_BEARER:
            return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type: "), None
        assertion = form.get("assertion", [""])[0]
        try:
            claims = jwt.decode(assertion, verify=False)  # type: ignore[no-untyped-call]
        except (ValueError, auth_exceptions.GoogleAuthError):
            return _oauth_error(400, "invalid_grant", "Invalid JWT: malformed."), None
        email = str(claims.get("iss", ""))
        account = self.accounts.get(email)
        if account is None:
            return _oauth_error(400, "invalid_grant", "Invalid grant: account not found"), None
        problem = _verification_problem(assertion, account)
        if problem:
            return _oauth_error(400, "invalid_grant", problem), email
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        scopes = frozenset(str(claims.get("scope", "")).split())
        with self._lock:
            self._tokens[token] = Grant(email, scopes, time.time() + TOKEN_LIFETIME_SECONDS)
        body = {
            "access_token": token,
            "expires_in": TOKEN_LIFETIME_SECONDS - 1,
            "token_type": "Bearer",
        }
        return ApiResponse.of_json(body), email


def _verification_problem(assertion: str, account: ServiceAccount) -> str | None:
    """Why Google would refuse this assertion, or None."""
    header = jwt.decode_header(assertion)  # type: ignore[no-untyped-call]
    if header.get("kid") not in (None, account.key_id):
        return "Invalid JWT Signature."
    try:
        claims = jwt.decode(  # type: ignore[no-untyped-call]
            assertion,
            certs=account.public_key_pem,
            audience=TOKEN_AUDIENCE,
            clock_skew_in_seconds=10,
        )
    except auth_exceptions.InvalidValue as error:
        text = str(error)
        if "expired" in text.lower() or "too early" in text.lower():
            return (
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe."
            )
        if "audience" in text.lower():
            return "Invalid JWT: Failed audience check."
        return "Invalid JWT Signature."
    except (ValueError, auth_exceptions.GoogleAuthError):
        return "Invalid JWT Signature."
    if not claims.get("scope"):
        return "Invalid OAuth scope or ID token audience provided."
    return None


def _oauth_error(status: int, error: str, description: str) -> ApiResponse:
    return ApiResponse.of_json({"error": error, "error_description": description}, status)

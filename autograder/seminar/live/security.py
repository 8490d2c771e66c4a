"""Sessions without accounts: a signed cookie, a CSRF token per session, codes compared in constant time.

The secret is made fresh at every `seminar serve` (32 random bytes, never stored): restarting the server signs
everybody out, which costs a voter one more typing of their ID. A session is a small JSON object
(`nonce`, `sid` = the voter's student ID once identified, `role` = ta|lecturer once a code was given, `name` =
the rater's name on rubric pages) signed with HMAC-SHA256; a cookie whose signature does not verify is treated
as no session. Every state-changing form carries `csrf_token(session)`, an HMAC of the session's nonce.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, replace

COOKIE = "seminar_session"
ROLES = ("", "ta", "lecturer")


@dataclass(frozen=True)
class Session:
    nonce: str
    sid: str = ""                   # the voter's student ID (after identifying)
    role: str = ""                  # "" | ta | lecturer
    name: str = ""                  # the rater's name on the rubric pages

    def with_(self, **changes) -> Session:
        return replace(self, **changes)


def new_code(n: int = 6) -> str:
    """A short code to read out in class (no 0/O, 1/l/I)."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(n))


def same_code(given: str, expected: str) -> bool:
    return hmac.compare_digest((given or "").strip().casefold().encode(), expected.strip().casefold().encode())


class Signer:
    def __init__(self, secret: bytes | None = None):
        self._key = secret or secrets.token_bytes(32)

    def _mac(self, data: bytes) -> str:
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def new_session(self) -> Session:
        return Session(nonce=secrets.token_urlsafe(16))

    def dump(self, session: Session) -> str:
        body = base64.urlsafe_b64encode(json.dumps(asdict(session), separators=(",", ":")).encode()).decode()
        return f"{body}.{self._mac(body.encode())}"

    def load(self, cookie: str | None) -> Session | None:
        """The session in a cookie, or None when it is missing, malformed or not signed by us."""
        if not cookie or "." not in cookie or len(cookie) > 2048:
            return None
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac.encode(), self._mac(body.encode()).encode()):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode()))
            session = Session(**{k: str(data.get(k, "")) for k in ("nonce", "sid", "role", "name")})
        except (ValueError, TypeError):
            return None
        return session if session.nonce and session.role in ROLES else None

    def csrf_token(self, session: Session) -> str:
        return self._mac(f"csrf:{session.nonce}".encode())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        return session is not None and bool(token) and hmac.compare_digest(
            token.encode(), self.csrf_token(session).encode())

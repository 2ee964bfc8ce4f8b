"""The dashboard's sign-in session and its CSRF token: names and lifetimes, in one place.

The request guard (:mod:`reechain.api.guards`) checks them on every request; the sign-in
pages (:mod:`reechain.web.auth`) set them.
"""

from __future__ import annotations

import secrets

SESSION_COOKIE = "reechain_token"
"""The dashboard's session cookie (HttpOnly; see :mod:`reechain.web.auth`)."""
CSRF_COOKIE = "_csrf_token"
"""The double-submit token: readable by the page, which repeats it in :data:`CSRF_HEADER`."""
SESSION_SECONDS = 8 * 3600
"""How long a sign-in (and its CSRF token) lasts."""
CSRF_HEADER = "x-csrftoken"
"""The header Dash's renderer fills from :data:`CSRF_COOKIE` on every POST."""


def csrf_cookie(*, secure: bool) -> str:
    """Return a ``Set-Cookie`` value giving the page a new CSRF token (for a session)."""
    flags = "; Secure" if secure else ""
    token = secrets.token_urlsafe(32)
    return f"{CSRF_COOKIE}={token}; Max-Age={SESSION_SECONDS}; Path=/; SameSite=Strict{flags}"


__all__ = ["CSRF_COOKIE", "CSRF_HEADER", "SESSION_COOKIE", "SESSION_SECONDS", "csrf_cookie"]

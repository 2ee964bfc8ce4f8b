"""Who is asking: API tokens, roles and workspaces for the REST API.

The dependencies are ``async``: they are quick (one indexed query at most), and running
them on the event loop spares every request two hops through the thread pool.

Bound to loopback with auth off, every request is the local analyst (``admin`` in the
``default`` workspace). With auth on, a request carries ``Authorization: Bearer TOKEN``;
the token names a user, whose role says what they may do and whose workspace is all they see.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from reechain.store import DEFAULT_WORKSPACE, ROLES, Store, User

LOCAL_USER = User("local", "admin", DEFAULT_WORKSPACE)
"""The one analyst of a server bound to loopback without auth."""

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


async def get_store(request: Request) -> Store:
    """Return the app's store."""
    store: Store = request.app.state.store
    return store


async def current_user(request: Request) -> User:
    """Return the user making the request (401 when auth is on and the token is bad)."""
    if not request.app.state.auth:
        return LOCAL_USER
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    store: Store = request.app.state.store
    user = store.authenticate(token.strip())
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def require(role: str) -> Callable[[User], Awaitable[User]]:
    """Return a dependency that lets through users whose role is at least ``role``."""
    assert role in ROLES

    async def check(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.can(role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"this needs the {role} role; {user.name} is a {user.role}",
            )
        return user

    return check


Viewer = Annotated[User, Depends(require("viewer"))]
Analyst = Annotated[User, Depends(require("analyst"))]
Admin = Annotated[User, Depends(require("admin"))]
StoreDep = Annotated[Store, Depends(get_store)]


def auth_required(host: str) -> bool:
    """Return whether a server bound to ``host`` must use auth (anything but loopback)."""
    return host not in LOOPBACK_HOSTS

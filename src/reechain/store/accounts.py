"""Users, roles, workspaces and API tokens for a shared server.

A token is shown once, when it is made; the store keeps only its SHA-256 and its first
characters (to name it in listings). Roles are ordered: a ``viewer`` reads, an ``analyst``
also imports data, saves scenarios and starts runs, an ``admin`` also deletes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reechain.errors import InputError, NotFoundError
from reechain.store.base import now
from reechain.store.schema import api_tokens, users

ROLES = ("viewer", "analyst", "admin")
TOKEN_PREFIX = "rc_"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class User:
    """An account: name, role and workspace."""

    name: str
    role: str
    workspace: str
    created_at: datetime | None = None
    disabled: bool = False

    def can(self, role: str) -> bool:
        """Return whether this user's role is at least ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest of a token, the only form the store keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


class _Transactional(Protocol):
    def _begin(self) -> AbstractContextManager[Connection]: ...


class AccountsMixin:
    """User and token operations of the store."""

    def add_user(self: _Transactional, name: str, role: str, workspace: str) -> User:
        """Create a user with a role in a workspace."""
        _check_name(name, "user name")
        _check_name(workspace, "workspace")
        if role not in ROLES:
            raise InputError(f"role: got {role!r}, expected one of {', '.join(ROLES)}")
        with self._begin() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise InputError(f"a user named {name!r} exists")
            stamp = now()
            conn.execute(
                sa.insert(users).values(
                    name=name, role=role, workspace=workspace, created_at=stamp, disabled=False
                )
            )
        return User(name, role, workspace, stamp)

    def list_users(self: _Transactional) -> list[dict[str, object]]:
        """Return every user with the number of live tokens they hold."""
        live = (
            sa.select(sa.func.count())
            .where(api_tokens.c.user_id == users.c.id, api_tokens.c.revoked_at.is_(None))
            .scalar_subquery()
        )
        query = sa.select(
            users.c.name,
            users.c.role,
            users.c.workspace,
            users.c.created_at,
            users.c.disabled,
            live.label("tokens"),
        ).order_by(users.c.name)
        with self._begin() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def has_users(self: _Transactional) -> bool:
        """Return whether any enabled user exists (auth can be switched on)."""
        with self._begin() as conn:
            return (
                conn.execute(
                    sa.select(users.c.id).where(users.c.disabled.is_(False)).limit(1)
                ).first()
                is not None
            )

    def create_token(self: _Transactional, name: str) -> str:
        """Make a new API token for user ``name`` and return it (it is not shown again)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._begin() as conn:
            user_id = _user_id(conn, name)
            conn.execute(
                sa.insert(api_tokens).values(
                    user_id=user_id,
                    token_hash=hash_token(token),
                    prefix=token[:10],
                    created_at=now(),
                )
            )
        return token

    def revoke(self: _Transactional, name_or_prefix: str) -> int:
        """Revoke every live token of a user, or the one token with that prefix; return count."""
        with self._begin() as conn:
            if name_or_prefix.startswith(TOKEN_PREFIX):
                where = api_tokens.c.prefix == name_or_prefix[:10]
            else:
                where = api_tokens.c.user_id == _user_id(conn, name_or_prefix)
            count = conn.execute(
                sa.update(api_tokens)
                .where(where, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now())
            ).rowcount
        if not count:
            raise NotFoundError(f"no live token for {name_or_prefix!r}")
        return int(count)

    def authenticate(self: _Transactional, token: str) -> User | None:
        """Return the user a live token belongs to, or None."""
        query = (
            sa.select(
                users.c.name, users.c.role, users.c.workspace, users.c.created_at, users.c.disabled
            )
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == hash_token(token),
                api_tokens.c.revoked_at.is_(None),
                users.c.disabled.is_(False),
            )
        )
        with self._begin() as conn:
            found = conn.execute(query).first()
        return None if found is None else User(*found)


def _user_id(conn: Connection, name: str) -> int:
    found = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"no user named {name!r}")
    return int(found)


def _check_name(value: str, what: str) -> None:
    if not NAME_PATTERN.match(value):
        raise InputError(
            f"{what}: got {value!r}, expected lower-case letters, digits, "
            "'.', '_' or '-' (at most 64)"
        )

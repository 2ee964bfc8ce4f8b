"""Opening a store: the engine, the migrations, and one transaction at a time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from reechain import config
from reechain.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def now() -> datetime:
    """Return the current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def normalise_url(url: str) -> str:
    """Return ``url`` with PostgreSQL pointed at psycopg 3 (``postgresql://`` → ``+psycopg``)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def safe_url(url: str) -> str:
    """Return ``url`` with any password hidden, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparsable database URL>"


class StoreBase:
    """Holds the engine; subclasses add the tables' operations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Self:
        """Open (creating and migrating as needed) the store at SQLAlchemy ``url``."""
        url = normalise_url(url)
        try:
            engine = _engine(url)
        except (OSError, sa.exc.ArgumentError) as exc:
            raise StoreError(f"cannot open the store at {safe_url(url)}: {exc}") from exc
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"cannot open the store at {safe_url(url)}: missing driver {exc.name!r}"
            ) from exc
        try:
            with engine.begin() as connection:
                cfg = Config()
                cfg.set_main_option("script_location", str(MIGRATIONS))
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open the store at {safe_url(url)}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        """The database kind: 'sqlite' or 'postgresql'."""
        return str(self.engine.dialect.name)

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"store error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
            ) from exc


PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def _private_store_file(path: Path) -> None:
    """Create the SQLite file ``path`` readable by its owner only (0600), in a directory
    of the owner's (0700) when reechain creates it.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode. An existing
    file or directory is left as it is, except in reechain's default data directory, which
    is tightened to the same modes (it is reechain's own; one given with ``--home`` or
    ``REECHAIN_HOME`` is the user's to set).
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        return
    except FileExistsError:
        pass
    if path.parent.resolve() != config.default_home().resolve():
        return
    os.chmod(path.parent, PRIVATE_DIR)
    for found in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if found.exists() and found.stat().st_mode & 0o077:
            os.chmod(found, PRIVATE_FILE)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///").partition("?")[0])
        if path.name and str(path) != ":memory:":
            _private_store_file(path)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)

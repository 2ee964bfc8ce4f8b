"""A private PostgreSQL server for the tests: started on loopback, removed afterwards.

The README's test command installs Debian's ``postgresql``; this module starts a throwaway
cluster with it (as the ``postgres`` user: ``initdb`` refuses to run as root), or uses the
server named by ``REECHAIN_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

URL_ENV = "REECHAIN_TEST_POSTGRES_URL"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run `make test`, which "
            "installs Debian's postgresql package"
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the admin URL of a PostgreSQL server for this test session."""
    if os.environ.get(URL_ENV):
        yield os.environ[URL_ENV]
        return
    folder = tempfile.mkdtemp(prefix="reechain-pg-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = f"{folder}/data", _free_port()
    _as_postgres([_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    _as_postgres(
        [_bin("pg_ctl"), "-D", data, "-o", f"'{options}'", "-l", f"{folder}/log", "-w", "start"]
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres([_bin("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """Yield the URL of a new, empty database on the server; drop it afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

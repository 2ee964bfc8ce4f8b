"""Where reechain keeps its files: the data directory and the store's address.

The data directory is ``--home`` on the command line, else ``REECHAIN_HOME``, else
``$XDG_DATA_HOME/reechain`` (``~/.local/share/reechain`` when XDG_DATA_HOME is unset).
The store is the SQLite file ``reechain.sqlite`` in it, unless ``REECHAIN_DATABASE_URL``
names another database.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "REECHAIN_HOME"
DATABASE_URL_ENV = "REECHAIN_DATABASE_URL"
STORE_FILENAME = "reechain.sqlite"
ALLOWED_HOSTS_ENV = "REECHAIN_ALLOWED_HOSTS"
"""Host names ``reechain serve`` answers to besides loopback (comma- or space-separated)."""


def data_home(home: str | Path | None = None) -> Path:
    """Return the data directory: ``home`` if given, else REECHAIN_HOME, else the XDG default."""
    if home is not None:
        return Path(home).expanduser()
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    return default_home()


def default_home() -> Path:
    """Return reechain's own data directory: ``$XDG_DATA_HOME/reechain`` (or
    ``~/.local/share/reechain``), used when neither ``--home`` nor REECHAIN_HOME says."""
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser() / "reechain"


def database_url(home: str | Path | None = None) -> str:
    """Return the store's SQLAlchemy URL: REECHAIN_DATABASE_URL, else the home's SQLite file."""
    if os.environ.get(DATABASE_URL_ENV):
        return os.environ[DATABASE_URL_ENV]
    return f"sqlite:///{data_home(home) / STORE_FILENAME}"

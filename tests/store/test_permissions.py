"""The store holds every workspace: its SQLite file is its owner's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reechain import config
from reechain.store import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_private_with_its_wal_and_shm(tmp_path: Path) -> None:
    path = tmp_path / "new" / "data" / "store.sqlite"
    store = Store.open(f"sqlite:///{path}")
    store.add_user("ada", "admin", "team")  # a write: the -wal and -shm files exist now
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    for suffix in ("-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        assert sidecar.exists()
        assert (suffix, _mode(sidecar)) == (suffix, 0o600)
    store.close()


def test_the_cli_store_in_a_new_data_directory_is_private(tmp_path: Path) -> None:
    home = config.data_home()  # REECHAIN_HOME of this test, not created yet
    assert not home.exists()
    Store.open(config.database_url()).close()
    assert (_mode(home), _mode(home / config.STORE_FILENAME)) == (0o700, 0o600)


def test_an_existing_store_elsewhere_keeps_its_modes(tmp_path: Path) -> None:
    """A directory the user chose is theirs to set."""
    path = tmp_path / "shared" / "store.sqlite"
    Store.open(f"sqlite:///{path}").close()
    os.chmod(path.parent, 0o750)
    os.chmod(path, 0o640)
    Store.open(f"sqlite:///{path}").close()
    assert (_mode(path.parent), _mode(path)) == (0o750, 0o640)


def test_an_existing_store_in_the_default_directory_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.HOME_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    home = config.default_home()
    assert home == tmp_path / "xdg" / "reechain"
    home.mkdir(parents=True, mode=0o755)
    path = home / config.STORE_FILENAME
    Store.open(config.database_url()).close()
    os.chmod(home, 0o755)
    os.chmod(path, 0o644)  # as an older reechain left it
    Store.open(config.database_url()).close()
    assert (_mode(home), _mode(path)) == (0o700, 0o600)

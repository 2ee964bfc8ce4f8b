"""Options shared by every command (the data directory), set once by the root callback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reechain.store import Store


@dataclass
class CliState:
    """What the root command's options chose."""

    home: Path | None = None

    def store(self) -> Store:
        """Open the store of the chosen data directory."""
        from reechain.workflows import open_store

        return open_store(self.home)


state = CliState()

"""A risk run's finished chunks, kept as they finish so an interrupted run can resume.

The chunks are written through any object with ``save_partial`` and ``partials`` (the
store has both); this module knows only how a chunk is turned into bytes and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reechain.risk.chunks import ChunkSummary

NPZ = "application/x-npz"
"""Media type of a stored chunk (numpy's .npz)."""


class PartialStore(Protocol):
    """Where partial results of a run are kept (:class:`reechain.store.Store` is one)."""

    def save_partial(self, run_id: str, number: int, media_type: str, payload: bytes) -> None:
        """Keep partial result ``number`` of run ``run_id``."""

    def partials(self, run_id: str) -> dict[int, bytes]:
        """Return the partial results of run ``run_id`` by number."""


@dataclass(frozen=True)
class Checkpoint:
    """The chunks of one risk run, in a :class:`PartialStore`."""

    store: PartialStore
    run_id: str

    def save(self, number: int, summary: ChunkSummary) -> None:
        """Keep finished chunk ``number``."""
        self.store.save_partial(self.run_id, number, NPZ, summary.to_bytes())

    def load(self) -> dict[int, ChunkSummary]:
        """Return the chunks kept so far, by chunk number."""
        return {n: ChunkSummary.from_bytes(b) for n, b in self.store.partials(self.run_id).items()}


__all__ = ["NPZ", "Checkpoint", "PartialStore"]

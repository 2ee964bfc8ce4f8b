"""The generated-input harness: run a family of generated inputs and tally the outcomes.

Every input must be either accepted (and then readable back) or refused with a clean
:class:`~reechain.errors.ReechainError`; any other exception is a crash, and anything left
behind by a refusal (a stored dataset, a written file) is a partial write.

Inputs come from a seeded :class:`random.Random` (seed ``family seed + i``), so input *i* of a
family is the same on every machine and every run: a crash is reproduced by its index.
``REECHAIN_FUZZ_EXAMPLES`` sets how many inputs a family tries (default 150 in the test
suite; ``make fuzz`` runs 10,000).
"""

from __future__ import annotations

import os
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DEFAULT_EXAMPLES = 150


def examples() -> int:
    """Return how many inputs each family tries (``REECHAIN_FUZZ_EXAMPLES``)."""
    return int(os.environ.get("REECHAIN_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))


class Outcome(StrEnum):
    """What became of one generated input."""

    ACCEPTED = "accepted"
    CLEAN = "clean error"
    PARTIAL = "partial write"


@dataclass
class Crash:
    """An input that raised something other than a clean error."""

    index: int
    error: str
    where: str


@dataclass
class Tally:
    """Counts of one family's run."""

    family: str
    tried: int = 0
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    crashes: list[Crash] = field(default_factory=list)

    def row(self) -> str:
        c = self.counts
        return (
            f"| {self.family} | {self.tried} | {c[Outcome.ACCEPTED]} | {c[Outcome.CLEAN]} | "
            f"{len(self.crashes)} | {c[Outcome.PARTIAL]} |"
        )


Check = Callable[[Any], Outcome]
Generate = Callable[[random.Random], Any]


def run_family(family: str, seed: int, generate: Generate, check: Check, n: int) -> Tally:
    """Generate ``n`` inputs (input i from seed ``seed + i``), check each, and tally."""
    tally = Tally(family)
    for i in range(n):
        value = generate(random.Random(seed + i))
        tally.tried += 1
        try:
            tally.counts[check(value)] += 1
        except Exception as exc:  # a crash is what this harness is for
            tb = traceback.extract_tb(exc.__traceback__)
            where = f"{tb[-1].filename.rsplit('/src/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            tally.crashes.append(Crash(seed + i, error, where))
    return tally


def describe(crashes: list[Crash]) -> str:
    """Return crashes one a line, for a test's failure message."""
    return "\n".join(f"seed {c.index}: {c.error} at {c.where}" for c in crashes)

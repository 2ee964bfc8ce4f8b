"""Fixtures of the metrics tests: tiny hand-checkable chains."""

from __future__ import annotations

from pathlib import Path

import pytest

from reechain.chain import Chain
from tests.metrics.chains import one_stage_chain


@pytest.fixture
def one_stage(tmp_path: Path) -> Chain:
    """CHN mines 60, AUS 30, ROW 10 (aggregate); JPN imports 30 from CHN, 10 from AUS."""
    return one_stage_chain(tmp_path / "one_stage")

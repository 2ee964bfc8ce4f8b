"""Each analysis validates its request once, and names fields, not flags, in its errors."""

from __future__ import annotations

import pytest

from reechain.errors import InputError
from reechain.workflows.requests import OptimizeRequest, RiskRequest, parse_request
from reechain.workflows.risk import run_risk_analysis
from reechain.workflows.simulate import run_scenario


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InputError) as info:
        parse_request(RiskRequest, runs=0, seed=-1, horizon_months=0)
    message = str(info.value)
    assert "runs: got 0, expected a number ≥ 1" in message
    assert "seed: got -1, expected a number ≥ 0" in message
    assert "horizon_months: got 0" in message
    assert "--" not in message


def test_workers_and_scheduler_are_exclusive() -> None:
    with pytest.raises(InputError, match="workers and scheduler: choose one"):
        parse_request(RiskRequest, runs=2, seed=1, workers=2, scheduler="tcp://127.0.0.1:1")


def test_an_unknown_field_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="budget: got 5, expected unknown field"):
        parse_request(OptimizeRequest, partnership="us-japan", budget=5)


def test_the_analyses_check_their_requests_before_any_work() -> None:
    with pytest.raises(InputError, match=r"^runs: got 0"):
        run_risk_analysis("no-such-scenario", runs=0, seed=1)
    with pytest.raises(InputError, match=r"^months: got 0"):
        run_scenario("no-such-scenario", months=0)

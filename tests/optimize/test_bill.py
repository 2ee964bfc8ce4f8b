"""The bill split: Shapley value of the savings game, kept in the core, never negative
without side payments, never above a partner's standalone cost, summing to the bill."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain.errors import InfeasibleError
from reechain.optimize.bill import split_bill
from reechain.optimize.shapley import coalitions

PLAYERS = ("A", "B", "C", "D")


def test_two_partners_by_hand() -> None:
    """c(A) = 10, c(B) = 20, c(AB) = 24; the bill is 6 and the partners still lose 4 and
    14. Shapley costs (7, 17) less own losses: bills (3, 3), in the core (3 + 4 ≤ 10,
    3 + 14 ≤ 20). With nothing bought they would lose 10 and 20: avoided 6 each, net 3."""
    costs = {("A",): 10.0, ("B",): 20.0, ("A", "B"): 24.0}
    split = split_bill(
        ("A", "B"),
        lambda t: costs[t],
        bill_usd=6.0,
        loss_usd=(4.0, 14.0),
        nothing_loss_usd=(10.0, 20.0),
    )
    assert split.share_usd == pytest.approx((3.0, 3.0))
    assert split.core_nonempty
    assert split.rule == "Shapley value (in the core)"
    assert split.avoided_loss_usd == (6.0, 6.0)
    assert split.net_benefit_usd == pytest.approx((3.0, 3.0))
    assert split.standalone_net_benefit_usd() == pytest.approx((0.0, 0.0))


def test_a_negative_shapley_bill_is_moved_into_the_core() -> None:
    """Shapley costs: A ½ × 14 + ½ × (24 − 20) = 9, B ½ × 20 + ½ × (24 − 14) = 15. B's own
    loss (17) is more than 15: its Shapley bill is −2, A's 9 − 1 = 8. Without side
    payments B pays 0 and A the whole bill of 6; the core (A: b ≤ 14 − 1, B: b ≤ 20 − 17)
    allows it, so the nearest core point is taken and said so."""
    costs = {("A",): 14.0, ("B",): 20.0, ("A", "B"): 24.0}
    kwargs = dict(bill_usd=6.0, loss_usd=(1.0, 17.0), nothing_loss_usd=(14.0, 20.0))
    split = split_bill(("A", "B"), lambda t: costs[t], **kwargs)  # type: ignore[arg-type]
    assert split.shapley_usd == pytest.approx((8.0, -2.0))
    assert split.share_usd == pytest.approx((6.0, 0.0))
    assert split.rule == "nearest core allocation to the Shapley value"
    paid = split_bill(
        ("A", "B"),
        lambda t: costs[t],
        side_payments=True,
        **kwargs,  # type: ignore[arg-type]
    )
    assert paid.share_usd == pytest.approx((8.0, -2.0))
    assert paid.rule == "Shapley value (in the core)"


def test_an_empty_core_is_said_so() -> None:
    """Three partners where any pair alone costs 6 but all three cost 10: a core point needs
    each pair ≤ 6, so 3 × (sum) ≤ 18 × … i.e. total ≤ 9 < 10: empty. Bills stay within
    individual rationality and are said to be outside the core."""

    def cost(t: tuple[str, ...]) -> float:
        return {1: 5.0, 2: 6.0, 3: 10.0}[len(t)]

    split = split_bill(
        ("A", "B", "C"), cost, bill_usd=10.0, loss_usd=(0, 0, 0), nothing_loss_usd=(5, 5, 5)
    )
    assert not split.core_nonempty
    assert "core is empty" in split.rule
    assert split.share_usd == pytest.approx((10 / 3,) * 3)


def test_a_bill_beyond_every_standalone_cost_is_refused() -> None:
    with pytest.raises(InfeasibleError, match="exceeds what the partners would pay alone"):
        split_bill(
            ("A", "B"),
            lambda t: {1: 1.0, 2: 50.0}[len(t)],
            bill_usd=50.0,
            loss_usd=(0.0, 0.0),
            nothing_loss_usd=(0.0, 0.0),
        )


def game(n: int) -> st.SearchStrategy[tuple[dict[frozenset[str], float], float, list[float]]]:
    """A random small game as the optimiser makes them: losses under the grand portfolio,
    its bill, the grand cost c(N) = bill + losses, and other coalitions' costs at least
    their members' remaining losses; the bill within what partners would pay alone."""
    names = PLAYERS[:n]
    money = st.floats(0, 1e9, allow_nan=False)
    return st.tuples(
        st.lists(money, min_size=n, max_size=n),
        money,
        st.lists(money, min_size=2**n - 2, max_size=2**n - 2),
    ).map(lambda x: _assemble(names, *x))


def _assemble(
    names: tuple[str, ...], losses: list[float], bill: float, extra: list[float]
) -> tuple[dict[frozenset[str], float], float, list[float]]:
    costs: dict[frozenset[str], float] = {}
    others = [t for t in coalitions(names) if len(t) < len(names)]
    for t, x in zip(others, extra, strict=True):
        costs[frozenset(t)] = x + sum(losses[names.index(p)] for p in t)
    standalone = sum(costs[frozenset((p,))] for p in names)
    bill = min(bill, standalone)
    costs[frozenset(names)] = bill + sum(losses)
    return costs, bill, losses


@given(
    st.integers(2, 4).flatmap(lambda n: st.tuples(st.just(n), game(n))),
    st.booleans(),
)
def test_shares_sum_to_the_bill_are_non_negative_and_within_standalone_cost(
    drawn: tuple[int, tuple[dict[frozenset[str], float], float, list[float]]],
    side_payments: bool,
) -> None:
    n, (costs, bill, losses) = drawn
    names = PLAYERS[:n]
    split = split_bill(
        names,
        lambda t: costs[frozenset(t)],
        bill_usd=bill,
        loss_usd=losses,
        nothing_loss_usd=[x * 2 for x in losses],
        side_payments=side_payments,
    )
    scale = max(1.0, bill, max(costs.values()))
    assert sum(split.share_usd) == pytest.approx(bill, abs=1e-6 * scale)
    for share, alone in zip(split.share_usd, split.standalone_cost_usd, strict=True):
        assert share <= alone + 1e-6 * scale
        if not side_payments:
            assert share >= 0.0
    if split.rule.endswith("(in the core)") or "core allocation" in split.rule:
        for k in range(1, n):
            for t in itertools.combinations(range(n), k):
                paid = sum(split.share_usd[i] + losses[i] for i in t)
                assert paid <= costs[frozenset(names[i] for i in t)] + 1e-5 * scale

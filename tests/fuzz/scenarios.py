"""Generated scenario YAML: the bundled library scenarios, broken at random.

Mutations: random values of random types, deleted and unknown keys, YAML aliases and
anchors (including an exponential "billion laughs"), deep nesting, unicode, and text-level
damage. The property: the text is refused with a clean ``ReechainError``, or it is accepted
and the scenario serialises to JSON and its YAML form validates again.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

import reechain
from reechain.chain import Chain
from reechain.errors import ReechainError
from reechain.workflows import validate_scenario_text
from tests.fuzz.datasets import random_text
from tests.fuzz.harness import Outcome

LIBRARY = Path(reechain.__file__).parent / "scenario" / "library" / "sample"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(LIBRARY.glob("*.yaml"))]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.random()
    if pick < 0.3:
        return random_text(rng)
    if pick < 0.45:
        return rng.choice([0, -1, 1, 2**63, -(2**70), 10**400, 1.5, -0.0])
    if pick < 0.55:
        return rng.choice([float("nan"), float("inf"), float("-inf")])
    if pick < 0.62:
        return rng.choice([None, True, False, [], {}])
    if pick < 0.72 and depth < 3:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if pick < 0.8 and depth < 3:
        return {random_text(rng): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return rng.choice(["2025-04", "2025-13", "0000-00", "CHN", "all", "Dy_oxide", "sample"])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _mutate_tree(rng: random.Random, tree: Any) -> Any:
    path = rng.choice(_paths(tree)[1:] or [()])
    if not path:
        return _random_value(rng)
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    pick = rng.random()
    if pick < 0.25 and isinstance(parent, dict):
        del parent[last]
    elif pick < 0.35 and isinstance(parent, dict):
        parent[random_text(rng)] = _random_value(rng)
    elif pick < 0.45:
        nested: Any = parent[last]
        for _ in range(rng.choice([5, 20, 60])):
            nested = [nested] if rng.random() < 0.5 else {"a": nested}
        parent[last] = nested
    else:
        parent[last] = _random_value(rng)
    return tree


def generate(rng: random.Random) -> str:
    """Return one generated scenario text."""
    text = rng.choice(TEXTS)
    pick = rng.random()
    if pick < 0.6:
        tree = yaml.safe_load(text)
        for _ in range(rng.randint(1, 3)):
            tree = _mutate_tree(rng, tree)
        return yaml.safe_dump(tree, allow_unicode=rng.random() < 0.5, sort_keys=False)
    if pick < 0.7:
        return _aliases(rng, text)
    if pick < 0.8:
        depth = rng.choice([100, 1000])
        return text + "extra: " + "[" * depth + "]" * depth + "\n"
    data = bytearray(text.encode())
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.choice(
            [
                b"&a ",
                b"*a",
                b"!!python/object:os.system ",
                b"\t",
                b"{",
                b"- ",
                b"\xc3",
                b": ",
                b"\n  ",
                b"<<: *a\n",
                b"\x00",
                b"---\n",
            ]
        )
    return data.decode("utf-8", "replace")


def _aliases(rng: random.Random, text: str) -> str:
    """A scenario with anchors and aliases, sometimes an exponential expansion of them."""
    levels = rng.choice([2, 3, 4])  # 9**4 items; deeper expansions hang (sec-input)
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return text + "\n".join(lines) + f"\nnote: *a{levels - 1}\n"


class ScenarioChecks:
    """The property, checked against the sample chain."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain

    def check(self, text: str) -> Outcome:
        try:
            scenario = validate_scenario_text(text, "fuzz.yaml", chain=self.chain)
        except ReechainError:
            return Outcome.CLEAN
        dumped = scenario.model_dump(mode="json")
        json.dumps(dumped, allow_nan=False)
        again = yaml.safe_dump(dumped, sort_keys=False)
        validate_scenario_text(again, "again.yaml", chain=self.chain)
        return Outcome.ACCEPTED

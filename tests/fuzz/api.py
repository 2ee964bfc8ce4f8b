"""Generated request bodies for the REST API's writing routes.

Each input is one request: a valid body of one of the routes that take a body (a dataset
as JSON, a workbook upload, a scenario to save or validate, a run to start) mutated at
random — leaves replaced by values of other types, keys dropped or added, deep nesting,
long and odd text, numbers past any range, NaN and infinity written into the JSON text, or
raw bytes in place of the body. The property: the answer is a documented status below 500
with the API's problem shape when it refuses, and a refusal stores nothing.

Runs are started only for kinds that finish quickly (``summary``, and ``simulate`` on the
sample dataset); any other kind a mutation writes is refused before a run exists.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from fastapi.testclient import TestClient

import reechain
from reechain.store import Store
from tests.fuzz.harness import Outcome

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCENARIO = "name: s\ndataset: sample\nhorizon_months: 3\nevents:\n  - kind: export_restriction\n"
ODD = ["", " ", "\x00", "é" * 300, "../../etc/passwd", "/tmp", "a+b", "=1+1", "NaN", "1e999"]
ODD_NUMBERS = [-1, 0, 1, 2**63, -(2**70), 1e308, -1e-308, 0.5, 3]


def _bodies() -> list[tuple[str, str, Any]]:
    sample = reechain.load_dataset("sample")
    dataset = {
        "meta": sample.meta.model_dump(mode="json"),
        "tables": {n: sample.records(n) for n in sample.tables},
    }
    return [
        ("POST", "/api/datasets?replace=true", dataset),
        ("POST", "/api/scenarios", {"name": "s", "body": SCENARIO}),
        ("PUT", "/api/scenarios/s", {"body": SCENARIO}),
        ("POST", "/api/scenarios/validate", {"body": SCENARIO}),
        ("POST", "/api/runs", {"kind": "summary", "dataset": "sample"}),
        ("POST", "/api/runs", {"kind": "simulate", "dataset": "sample", "scenario": "sep-outage"}),
    ]


BODIES = _bodies()


def _leaf(rng: random.Random) -> Any:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(ODD)
    if kind == 1:
        return rng.choice(ODD_NUMBERS)
    if kind == 2:
        return None
    if kind == 3:
        return rng.choice([True, False])
    if kind == 4:
        return [rng.choice(ODD) for _ in range(rng.randrange(3))]
    return {rng.choice(ODD): rng.choice(ODD_NUMBERS)}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list) and value:
        i = len(value) // 2  # one row of a table is enough to reach its cells
        out += _paths(value[i], (*prefix, i))
    return out


def _mutate(rng: random.Random, body: Any) -> Any:
    body = copy.deepcopy(body)
    for _ in range(rng.randrange(1, 4)):
        paths = [p for p in _paths(body) if p]
        if not paths:
            return _leaf(rng)
        path = rng.choice(paths)
        parent = body
        for part in path[:-1]:
            parent = parent[part]
        action = rng.randrange(4)
        if action == 0 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == 1 and isinstance(parent, dict):
            parent[rng.choice(ODD) + "x"] = _leaf(rng)
        elif action == 2:
            nested: Any = _leaf(rng)
            for _ in range(rng.choice([1, 5, 100])):
                nested = [nested]
            parent[path[-1]] = nested
        else:
            parent[path[-1]] = _leaf(rng)
    return body


def generate(rng: random.Random) -> tuple[str, str, dict[str, str], bytes]:
    """Return (method, url, headers, body bytes) of one generated request."""
    method, url, body = rng.choice(BODIES)
    if rng.random() < 0.1:  # raw bytes, or a workbook upload of junk
        if rng.random() < 0.5:
            return "POST", "/api/datasets/upload", {"content-type": XLSX}, rng.randbytes(300)
        return method, url, {"content-type": "application/json"}, rng.randbytes(200)
    if body.get("kind") == "simulate" or body.get("kind") == "summary":
        body = {**body, "kind": rng.choice(["summary", "simulate", "risk!", "optimize"])}
        if body["kind"] == "optimize":
            body["kind"] = "optimize" + rng.choice(ODD)  # never a real optimisation
    text = json.dumps(_mutate(rng, body), allow_nan=True)
    if rng.random() < 0.1:
        text = text.replace("0", rng.choice(["NaN", "Infinity", "-Infinity", "1e999"]), 1)
    return method, url, {"content-type": "application/json"}, text.encode()


class ApiChecks:
    """The property, checked against one served store."""

    def __init__(self, client: TestClient, store: Store) -> None:
        self.client = client
        self.store = store

    def _stored(self) -> tuple[int, int]:
        return len(self.store.list_datasets()), len(self.store.list_scenarios())

    def check(self, request: tuple[str, str, dict[str, str], bytes]) -> Outcome:
        method, url, headers, body = request
        before = self._stored()
        response = self.client.request(method, url, headers=headers, content=body)
        if response.status_code >= 500:
            raise AssertionError(f"{method} {url}: {response.status_code} {response.text[:200]}")
        if response.status_code < 400:
            return Outcome.ACCEPTED
        detail = response.json().get("detail")
        if not isinstance(detail, str) or not detail:
            raise AssertionError(f"{method} {url}: {response.status_code} without a detail")
        return Outcome.CLEAN if self._stored() == before else Outcome.PARTIAL
